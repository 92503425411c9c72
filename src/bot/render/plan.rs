//! The action plan's messages: a proposal in the cohort's channel (with Support, Not for now
//! and Volunteer), the form to propose and the form to volunteer, and the published plan in
//! the organisation's summary channel. Names appear only as their owners typed them, by
//! choice; nobody is mentioned. Tests check the longest of each against Discord's limits.

use chrono::NaiveDate;
use poise::serenity_prelude as serenity;
use serde::{Deserialize, Serialize};

use super::{clip, ACCENT};
use crate::bot::plan_ids::{PlanButton, PlanForm};
use crate::domain::plural;
use crate::store::{ActionStatus, VoteChoice, VoteTally};

/// The most each part of a proposal may hold; the form allows the same.
pub const WHAT_MAX: usize = 300;
pub const WHO_MAX: usize = 200;
pub const STEP_MAX: usize = 200;
/// The longest name a person may give to be shown (a proposer or an owner).
pub const NAME_MAX: usize = 64;
/// The most actions a published plan holds: each gets about a fifth of an embed's 6,000
/// characters.
pub const PLAN_ACTIONS_MAX: u32 = 5;

/// A proposal's texts, sealed together as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalTexts {
    pub what: String,
    pub who: String,
    pub first_step: String,
}

/// Text a person typed, shown as plain text: Discord's markdown and mentions are neutralised.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '*' | '_' | '~' | '`' | '|' | '>' | '#' | '[' | ']' | '\\'
        ) {
            out.push('\\');
        }
        out.push(c);
        if c == '@' {
            out.push('\u{200b}'); // no @everyone, even as text
        }
    }
    out
}

/// Owners as the plan shows them: the names given, and how many chose not to be named.
pub fn owners_line(named: &[String], unnamed: usize) -> String {
    let mut parts: Vec<String> = named.iter().map(|n| plain(n)).collect();
    if unnamed > 0 {
        let others = if named.is_empty() {
            plural::count(unnamed as u64, "owner", "owners")
        } else {
            format!("{unnamed} more")
        };
        parts.push(format!("{others} not named"));
    }
    if parts.is_empty() {
        "Looking for an owner".to_owned()
    } else {
        parts.join(", ")
    }
}

pub fn status_label(status: ActionStatus) -> &'static str {
    match status {
        ActionStatus::Planned => "Planned",
        ActionStatus::Tried => "First step taken",
        ActionStatus::NotYet => "Not yet",
        ActionStatus::Blocked => "Blocked",
    }
}

/// A proposal as shown in the cohort's channel.
pub struct ProposalView<'a> {
    pub id: i64,
    pub number: u32,
    pub cohort: &'a str,
    pub texts: &'a ProposalTexts,
    pub target: NaiveDate,
    /// The proposer's chosen name; `None`: anonymous.
    pub proposer: Option<&'a str>,
    pub owners: String,
    pub tally: VoteTally,
    pub k: u32,
    /// Votes and owners are still taken (the plan is open, the proposal not removed).
    pub open: bool,
    /// In the published plan: owners are still welcome, votes are closed.
    pub in_plan: bool,
    pub removed: bool,
}

pub fn date(date: NaiveDate) -> String {
    date.format("%a %-d %b %Y").to_string()
}

fn votes_line(tally: VoteTally, k: u32) -> String {
    if tally.voters() >= k {
        format!("Support {} · Not for now {}", tally.support, tally.not_now)
    } else {
        format!("The tally shows once {k} people have voted.")
    }
}

pub fn proposal_embed(view: &ProposalView<'_>) -> serenity::CreateEmbed {
    let title = format!(
        "Proposal {} · {}'s action plan",
        view.number,
        clip(view.cohort, 60)
    );
    if view.removed {
        return serenity::CreateEmbed::new()
            .title(title)
            .description("An admin removed this proposal.")
            .colour(0x888888);
    }
    serenity::CreateEmbed::new()
        .title(title)
        .colour(ACCENT)
        .field("What will change", plain(&view.texts.what), false)
        .field("Who it helps", plain(&view.texts.who), false)
        .field("First step", plain(&view.texts.first_step), false)
        .field("Target date", date(view.target), true)
        .field(
            "Proposed by",
            view.proposer.map_or("Anonymous".to_owned(), plain),
            true,
        )
        .field("Owners", clip(&view.owners, 1024), false)
        .field("Votes", votes_line(view.tally, view.k), false)
        .footer(serenity::CreateEmbedFooter::new(if view.open {
            "One vote each, changeable. Owners are named only if they give a name."
        } else if view.in_plan {
            "Votes are closed: this action is in the published plan. Owners are still welcome."
        } else {
            "Votes are closed: the plan was published."
        }))
}

pub fn proposal_buttons(view: &ProposalView<'_>) -> Vec<serenity::CreateActionRow> {
    let volunteer =
        serenity::CreateButton::new(PlanButton::Volunteer { proposal: view.id }.to_string())
            .label("Volunteer as owner")
            .style(serenity::ButtonStyle::Primary);
    if view.removed || !(view.open || view.in_plan) {
        return Vec::new();
    }
    if !view.open {
        return vec![serenity::CreateActionRow::Buttons(vec![volunteer])];
    }
    let vote = |choice, label: &str, style| {
        serenity::CreateButton::new(
            PlanButton::Vote {
                proposal: view.id,
                choice,
            }
            .to_string(),
        )
        .label(label)
        .style(style)
    };
    vec![serenity::CreateActionRow::Buttons(vec![
        vote(
            VoteChoice::Support,
            "Support",
            serenity::ButtonStyle::Success,
        ),
        vote(
            VoteChoice::NotNow,
            "Not for now",
            serenity::ButtonStyle::Secondary,
        ),
        serenity::CreateButton::new(PlanButton::Volunteer { proposal: view.id }.to_string())
            .label("Volunteer as owner")
            .style(serenity::ButtonStyle::Primary),
    ])]
}

fn input(
    label: &str,
    id: &str,
    max: usize,
    style: serenity::InputTextStyle,
) -> serenity::CreateInputText {
    serenity::CreateInputText::new(style, label, id).max_length(max as u16)
}

/// `/plan propose`'s form: five fields, Discord's most.
pub fn propose_modal() -> serenity::CreateModal {
    let long = serenity::InputTextStyle::Paragraph;
    let short = serenity::InputTextStyle::Short;
    let rows = vec![
        input("What will change", "what", WHAT_MAX, long)
            .placeholder("e.g. Meeting notes rotate, so the same people don't always take them"),
        input("Who it helps", "who", WHO_MAX, short),
        input("The first step", "step", STEP_MAX, short),
        input("Target date (YYYY-MM-DD)", "date", 10, short).min_length(10),
        input(
            "Your name, to be named (or leave empty)",
            "name",
            NAME_MAX,
            short,
        )
        .required(false)
        .placeholder("Empty: the proposal is anonymous"),
    ];
    serenity::CreateModal::new(PlanForm::Propose.to_string(), "Propose an action").components(
        rows.into_iter()
            .map(serenity::CreateActionRow::InputText)
            .collect(),
    )
}

/// The Volunteer form: an optional name, since ownership is public accountability.
pub fn volunteer_modal(proposal: i64, number: u32) -> serenity::CreateModal {
    let name = input(
        "Your name on the plan (or leave empty)",
        "name",
        NAME_MAX,
        serenity::InputTextStyle::Short,
    )
    .required(false)
    .placeholder("Empty: counted as an owner, not named");
    serenity::CreateModal::new(
        PlanForm::Volunteer { proposal }.to_string(),
        format!("Own proposal {number}"),
    )
    .components(vec![serenity::CreateActionRow::InputText(name)])
}

/// One action of the published plan.
pub struct ActionView {
    pub rank: u32,
    pub texts: ProposalTexts,
    pub target: NaiveDate,
    pub owners: String,
    pub status: ActionStatus,
}

/// The published plan, in the summary channel. The footer's "Action plan N" lets a re-post
/// find it in the channel.
pub fn plan_embed(plan_id: i64, cohort: &str, actions: &[ActionView]) -> serenity::CreateEmbed {
    let mut counts: Vec<(ActionStatus, u32)> = Vec::new();
    for action in actions {
        match counts.iter_mut().find(|(s, _)| *s == action.status) {
            Some((_, n)) => *n += 1,
            None => counts.push((action.status, 1)),
        }
    }
    counts.sort();
    let status = counts
        .iter()
        .map(|(s, n)| format!("{} {n}", status_label(*s)))
        .collect::<Vec<_>>()
        .join(" · ");
    let mut embed = serenity::CreateEmbed::new()
        .title(format!("Action plan · {}", clip(cohort, 60)))
        .colour(ACCENT)
        .description(format!(
            "{} chosen by the cohort's votes. Status: {status}.",
            plural::count(actions.len() as u64, "action", "actions")
        ));
    for action in actions.iter().take(PLAN_ACTIONS_MAX as usize) {
        embed = embed.field(
            clip(
                &format!("{}. {}", action.rank, plain(&action.texts.what)),
                250,
            ),
            clip(
                &format!(
                    "**First step:** {}\n**By:** {}\n**Owners:** {}\n**Status:** {}",
                    plain(&action.texts.first_step),
                    date(action.target),
                    action.owners,
                    status_label(action.status)
                ),
                900,
            ),
            false,
        );
    }
    embed.footer(serenity::CreateEmbedFooter::new(plan_marker(plan_id)))
}

/// What identifies a plan's message in its channel.
pub fn plan_marker(plan_id: i64) -> String {
    format!("Action plan {plan_id} · statuses come from the owners' check-ins")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discord_limits::{self, FormErrors};

    fn texts() -> ProposalTexts {
        ProposalTexts {
            what: "w".repeat(WHAT_MAX),
            who: "*".repeat(WHO_MAX),
            first_step: "@".repeat(STEP_MAX),
        }
    }

    fn fits(message: &serenity::CreateMessage) {
        let mut errors = FormErrors::default();
        discord_limits::check_message(&serde_json::to_value(message).unwrap(), "", &mut errors);
        assert!(errors.is_empty(), "{:?}", errors.describe());
    }

    #[test]
    fn the_longest_proposal_and_plan_fit_discords_limits() {
        let texts = texts();
        let name = "n".repeat(NAME_MAX);
        let view = ProposalView {
            id: i64::MAX,
            number: u32::MAX,
            cohort: &"c".repeat(50),
            texts: &texts,
            target: NaiveDate::MAX,
            proposer: Some(&name),
            owners: owners_line(&vec![name.clone(); 25], 99),
            tally: VoteTally::default(),
            k: 10,
            open: true,
            in_plan: false,
            removed: false,
        };
        fits(
            &serenity::CreateMessage::new()
                .embed(proposal_embed(&view))
                .components(proposal_buttons(&view)),
        );
        let actions: Vec<ActionView> = (1..=PLAN_ACTIONS_MAX)
            .map(|rank| ActionView {
                rank,
                texts: texts.clone(),
                target: NaiveDate::MAX,
                owners: owners_line(&vec![name.clone(); 10], 3),
                status: ActionStatus::Blocked,
            })
            .collect();
        fits(&serenity::CreateMessage::new().embed(plan_embed(
            i64::MAX,
            &"c".repeat(50),
            &actions,
        )));
        let mut errors = FormErrors::default();
        discord_limits::check_modal(&serde_json::to_value(propose_modal()).unwrap(), &mut errors);
        discord_limits::check_modal(
            &serde_json::to_value(volunteer_modal(i64::MAX, u32::MAX)).unwrap(),
            &mut errors,
        );
        assert!(errors.is_empty(), "{:?}", errors.describe());
    }

    #[test]
    fn typed_text_cannot_format_or_mention() {
        assert_eq!(
            plain("**hi** @everyone"),
            "\\*\\*hi\\*\\* @\u{200b}everyone"
        );
    }

    #[test]
    fn owners_are_named_only_by_the_names_they_gave() {
        assert_eq!(owners_line(&[], 0), "Looking for an owner");
        assert_eq!(owners_line(&[], 1), "1 owner not named");
        assert_eq!(owners_line(&[], 2), "2 owners not named");
        assert_eq!(owners_line(&["Ana".into()], 2), "Ana, 2 more not named");
    }

    #[test]
    fn tallies_show_only_from_k_voters() {
        let four = VoteTally {
            support: 3,
            not_now: 1,
        };
        assert_eq!(
            votes_line(four, 5),
            "The tally shows once 5 people have voted."
        );
        let five = VoteTally {
            support: 3,
            not_now: 2,
        };
        assert_eq!(votes_line(five, 5), "Support 3 · Not for now 2");
    }
}
