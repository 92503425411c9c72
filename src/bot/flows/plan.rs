//! The collaborative action plan, for participants: proposing (a form; anonymous unless the
//! proposer gives a name), voting (one changeable vote per person and proposal, by button or
//! `/plan vote`), volunteering as an owner (named only with a name they give), `/plan show`,
//! and the owners' check-ins feeding each action's status. Only live members of a plan's
//! cohort change anything; a forged or foreign reference changes nothing.

use chrono::{Duration, NaiveDate};
use poise::serenity_prelude as serenity;

use super::membership::not_in_a_cohort;
use super::{Answer, Outcome};
use crate::bot::components::CheckinOutcome;
use crate::bot::render::plan::{
    self as view, date, owners_line, propose_modal, ProposalTexts, ProposalView, NAME_MAX,
    STEP_MAX, WHAT_MAX, WHO_MAX,
};
use crate::bot::{sealed, Data, Error};
use crate::domain::local_time::local_date;
use crate::domain::{plural, Stage};
use crate::store::{
    ActionStatus, Cohort, NewProposal, PlanState, Proposal, SealedColumn, StoredPlan, VoteChoice,
    VoteOutcome, PLAN_OWNER,
};

pub const STALE: &str =
    "This proposal is no longer available. `/plan show` lists the current ones.";
/// How far ahead a target date may be.
const TARGET_DAYS_MAX: i64 = 366;

/// Where a member's cohort stands with its plan.
pub(crate) enum PlanFor {
    Ready(Box<Cohort>, StoredPlan),
    Refused(Box<Answer>),
}

/// The practice day a cohort is on (its latest on or before today).
pub(crate) async fn current_stage(data: &Data, cohort: &Cohort) -> Result<Option<Stage>, Error> {
    let calendar = data.store.calendar(cohort).await?;
    let today = local_date(data.clock.now(), cohort.timezone);
    let day = (0..21).find_map(|back| calendar.day_number(today - Duration::days(back)));
    Ok(day.map(|day| cohort.plan.stage(day, &cohort.pace)))
}

/// The plan of `user`'s cohort in `guild`, opened when the cohort has reached its
/// collaborative-project module.
pub(crate) async fn plan_for(data: &Data, guild: Option<u64>, user: u64) -> Result<PlanFor, Error> {
    let cohort = match guild {
        Some(guild) => data.store.current_cohort(guild, user).await?,
        None => None,
    };
    let Some(cohort) = cohort else {
        return Ok(PlanFor::Refused(Box::new(not_in_a_cohort())));
    };
    if let Some(plan) = data.store.plan_of(cohort.id).await? {
        return Ok(PlanFor::Ready(Box::new(cohort), plan));
    }
    let criteria = data
        .curriculum
        .track(&cohort.track)
        .and_then(|t| t.certification);
    let Some(criteria) = criteria else {
        return Ok(PlanFor::Refused(Box::new(Answer::text(
            "Your cohort's program has no collaborative action plan.",
        ))));
    };
    let reached = match current_stage(data, &cohort).await? {
        Some(Stage::Module(m)) => m >= criteria.plan_module,
        Some(Stage::Review) => true,
        _ => false,
    };
    if !reached {
        let day = cohort
            .pace
            .span(criteria.plan_module)
            .map_or(String::new(), |(first, _)| {
                format!(" (practice day {first})")
            });
        return Ok(PlanFor::Refused(Box::new(Answer::text(format!(
            "**{}**'s action plan opens when the cohort reaches module {}{day}, or when an admin opens it.",
            cohort.name, criteria.plan_module
        )))));
    }
    let (plan, opened) = data.store.open_plan(cohort.id, data.clock.now()).await?;
    if opened {
        tracing::info!(
            cohort_id = cohort.id,
            plan_id = plan.id,
            "action plan opened"
        );
    }
    Ok(PlanFor::Ready(Box::new(cohort), plan))
}

/// `/plan propose`: the form, or why not.
pub async fn propose_form(data: &Data, guild: Option<u64>, user: u64) -> Result<Outcome, Error> {
    Ok(match plan_for(data, guild, user).await? {
        PlanFor::Refused(answer) => (*answer).into(),
        PlanFor::Ready(cohort, plan) if plan.state == PlanState::Published => {
            Answer::text(format!(
                "**{}**'s action plan was published; `/plan show` shows it.",
                cohort.name
            ))
            .into()
        }
        PlanFor::Ready(..) => Outcome::Form(propose_modal()),
    })
}

/// What the proposal form held.
pub struct ProposalForm {
    pub what: String,
    pub who: String,
    pub step: String,
    pub date: String,
    pub name: String,
}

impl ProposalForm {
    fn echo(&self) -> String {
        format!(
            "What will change: {}\nWho it helps: {}\nFirst step: {}\nTarget date: {}\nName: {}",
            self.what, self.who, self.step, self.date, self.name
        )
    }
}

fn form_problem(form: &ProposalForm, today: NaiveDate) -> Result<NaiveDate, String> {
    for (label, text, max) in [
        ("What will change", &form.what, WHAT_MAX),
        ("Who it helps", &form.who, WHO_MAX),
        ("The first step", &form.step, STEP_MAX),
    ] {
        let length = text.chars().count();
        if length == 0 {
            return Err(format!(
                "**{label}** is empty; a proposal needs all three parts."
            ));
        }
        if length > max {
            return Err(format!(
                "**{label}** can be up to {max} characters; it has {length}."
            ));
        }
    }
    if form.name.chars().count() > NAME_MAX || form.name.chars().any(char::is_control) {
        return Err(format!(
            "A name is one line of up to {NAME_MAX} characters."
        ));
    }
    let target = NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d").map_err(|_| {
        format!(
            "`{}` isn't a date like 2027-03-01.",
            crate::bot::render::clip(form.date.trim(), 20)
        )
    })?;
    if target <= today || target > today + Duration::days(TARGET_DAYS_MAX) {
        return Err("The target date must be after today and within a year.".to_owned());
    }
    Ok(target)
}

/// The proposal form was sent: sealed, stored, posted in the cohort's channel with its buttons.
/// Any refusal hands everything typed back.
pub async fn submit(
    data: &Data,
    http: &serenity::Http,
    guild: Option<u64>,
    user: u64,
    form: ProposalForm,
) -> Result<Answer, Error> {
    let form = ProposalForm {
        what: form.what.trim().to_owned(),
        who: form.who.trim().to_owned(),
        step: form.step.trim().to_owned(),
        date: form.date.trim().to_owned(),
        name: form.name.trim().to_owned(),
    };
    let refuse = |why: String| Ok(Answer::text(why).with_text_back(&form.echo()));
    let (cohort, plan) = match plan_for(data, guild, user).await? {
        PlanFor::Refused(answer) => return refuse(answer.text),
        PlanFor::Ready(cohort, plan) => (cohort, plan),
    };
    let target = match form_problem(&form, local_date(data.clock.now(), cohort.timezone)) {
        Ok(target) => target,
        Err(why) => return refuse(why),
    };
    let texts = ProposalTexts {
        what: form.what.clone(),
        who: form.who.clone(),
        first_step: form.step.clone(),
    };
    let json = serde_json::to_string(&texts)?;
    let named = !form.name.is_empty();
    let new = NewProposal {
        plan_id: plan.id,
        user_id: user,
        target_date: target,
        named,
    };
    let stored = super::persist(|| {
        let (json, name) = (json.as_str(), form.name.as_str());
        let seal = move |field: &crate::store::SealedField| -> crate::store::SealResult {
            let text = match field.column {
                SealedColumn::ProposalName => name,
                _ => json,
            };
            Ok(data.cipher.seal(text, &field.context())?)
        };
        data.store.add_proposal(new, seal, data.clock.now())
    })
    .await?;
    let Some(proposal) = stored else {
        return refuse(format!(
            "**{}**'s action plan was just published, so it takes no new proposals.",
            cohort.name
        ));
    };
    tracing::info!(
        user_id = user,
        proposal_id = proposal.id,
        named,
        "action proposed"
    );
    let posted = refresh(data, http, &cohort, &proposal).await;
    let how = if named {
        format!("named as **{}**", view::plain(&form.name))
    } else {
        "anonymously".to_owned()
    };
    Ok(Answer::text(match (posted, cohort.channel_id) {
        (true, Some(channel)) => format!(
            "Posted as **Proposal {}** in <#{channel}>, {how}. Others can now support it or volunteer to own it.",
            proposal.number
        ),
        _ => format!(
            "Saved as **Proposal {}**, {how}; it couldn't be posted in your cohort's channel just now, \
             but `/plan show` and `/plan vote` include it.",
            proposal.number
        ),
    }))
}

/// A proposal's texts (sealed with the plan as owner).
pub(crate) fn texts(data: &Data, proposal: &Proposal) -> Result<ProposalTexts, Error> {
    let json = sealed::opened(
        &data.cipher,
        SealedColumn::ProposalText,
        proposal.id,
        PLAN_OWNER,
        &proposal.sealed_text,
    )?;
    Ok(serde_json::from_str(&json)?)
}

/// The names owners gave (opened), and how many gave none.
pub(crate) async fn owners(data: &Data, proposal: i64) -> Result<(Vec<String>, usize), Error> {
    let mut named = Vec::new();
    let mut unnamed = 0;
    for owner in data.store.owners(proposal).await? {
        match &owner.name_sealed {
            Some(sealed) => named.push(sealed::opened(
                &data.cipher,
                SealedColumn::OwnerName,
                owner.id,
                owner.user_id,
                sealed,
            )?),
            None => unnamed += 1,
        }
    }
    Ok((named, unnamed))
}

fn proposer_name(data: &Data, proposal: &Proposal) -> Result<Option<String>, Error> {
    match (&proposal.name_sealed, proposal.user_id) {
        (Some(sealed), Some(user)) => Ok(Some(sealed::opened(
            &data.cipher,
            SealedColumn::ProposalName,
            proposal.id,
            user,
            sealed,
        )?)),
        _ => Ok(None),
    }
}

/// The proposal's message as it should look now (posted if it has none yet). False if it
/// could not be posted or edited; logged.
pub(crate) async fn refresh(
    data: &Data,
    http: &serenity::Http,
    cohort: &Cohort,
    proposal: &Proposal,
) -> bool {
    match try_refresh(data, http, cohort, proposal).await {
        Ok(done) => done,
        Err(e) => {
            tracing::warn!(proposal_id = proposal.id, error = %crate::bot::redact::redact_tokens(&e.to_string()), "could not show a proposal in its channel");
            false
        }
    }
}

async fn try_refresh(
    data: &Data,
    http: &serenity::Http,
    cohort: &Cohort,
    proposal: &Proposal,
) -> Result<bool, Error> {
    // Two refreshes of one proposal can cross (a volunteer's, read while the plan was open,
    // waiting for the channel behind the publish's): each reads the proposal only once it has
    // its turn, so the last edit shows it as it is. (Across processes the turns are not
    // shared; the next change to the proposal shows it right.)
    let _turn = data.proposal_edits.turn(proposal.id).await;
    let proposal = data
        .store
        .proposal(proposal.id)
        .await?
        .unwrap_or_else(|| proposal.clone());
    let (embed, buttons) = proposal_message(data, cohort, &proposal).await?;
    match (proposal.channel_id, proposal.message_id, cohort.channel_id) {
        (Some(channel), Some(message), _) => {
            let edit = serenity::EditMessage::new()
                .embed(embed)
                .components(buttons)
                .allowed_mentions(serenity::CreateAllowedMentions::new());
            let target = serenity::ChannelId::new(channel);
            data.pacer
                .call(Some(channel), || {
                    target.edit_message(http, serenity::MessageId::new(message), edit.clone())
                })
                .await?;
            Ok(true)
        }
        (_, _, Some(channel)) => {
            let message = serenity::CreateMessage::new()
                .embed(embed)
                .components(buttons)
                .allowed_mentions(serenity::CreateAllowedMentions::new());
            let target = serenity::ChannelId::new(channel);
            let posted = data
                .pacer
                .call(Some(channel), || target.send_message(http, message.clone()))
                .await?;
            data.store
                .set_proposal_post(proposal.id, channel, posted.id.get())
                .await?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

type ProposalMessage = (serenity::CreateEmbed, Vec<serenity::CreateActionRow>);

/// The proposal's embed and buttons from what is stored now.
async fn proposal_message(
    data: &Data,
    cohort: &Cohort,
    proposal: &Proposal,
) -> Result<ProposalMessage, Error> {
    let plan = data.store.plan(proposal.plan_id).await?;
    let texts = texts(data, proposal)?;
    let (named, unnamed) = owners(data, proposal.id).await?;
    let proposer = proposer_name(data, proposal)?;
    let shown = ProposalView {
        id: proposal.id,
        number: proposal.number,
        cohort: &cohort.name,
        texts: &texts,
        target: proposal.target_date,
        proposer: proposer.as_deref(),
        owners: owners_line(&named, unnamed),
        tally: data.store.tally(proposal.id).await?,
        k: data.group_minimum(Some(cohort.guild_id)).await,
        open: plan.as_ref().is_some_and(|p| p.state == PlanState::Open),
        in_plan: proposal.rank.is_some(),
        removed: proposal.removed,
    };
    let embed = view::proposal_embed(&shown);
    let buttons = view::proposal_buttons(&shown);
    Ok((embed, buttons))
}

/// The proposal `id`, its cohort and plan, if `user` is a live member of that cohort.
async fn member_proposal(
    data: &Data,
    user: u64,
    id: i64,
) -> Result<Result<(Proposal, Cohort, StoredPlan), Answer>, Error> {
    let Some(proposal) = data.store.proposal(id).await? else {
        return Ok(Err(Answer::text(STALE)));
    };
    let Some(plan) = data.store.plan(proposal.plan_id).await? else {
        return Ok(Err(Answer::text(STALE)));
    };
    let Some(cohort) = data.store.cohort(plan.cohort_id).await? else {
        return Ok(Err(Answer::text(STALE)));
    };
    if !data.store.is_member(cohort.id, user).await? {
        tracing::info!(
            user_id = user,
            proposal_id = id,
            "plan action from outside the cohort refused"
        );
        return Ok(Err(Answer::text(format!(
            "This proposal belongs to **{}**'s action plan; only its members take part.",
            cohort.name
        ))));
    }
    if proposal.removed {
        return Ok(Err(Answer::text("An admin removed this proposal.")));
    }
    Ok(Ok((proposal, cohort, plan)))
}

/// A vote's answer, and the proposal whose post shows a new tally once the voter has it.
pub struct Voted {
    pub answer: Answer,
    pub refresh: Option<(Box<Cohort>, Proposal)>,
}

impl Voted {
    fn said(answer: Answer) -> Self {
        Voted {
            answer,
            refresh: None,
        }
    }
}

/// A vote, by button or `/plan vote`.
pub async fn vote(data: &Data, user: u64, id: i64, choice: VoteChoice) -> Result<Voted, Error> {
    let (proposal, cohort, plan) = match member_proposal(data, user, id).await? {
        Ok(found) => found,
        Err(answer) => return Ok(Voted::said(answer)),
    };
    if plan.state == PlanState::Published {
        return Ok(Voted::said(Answer::text(
            "The plan was published, so votes are closed.",
        )));
    }
    let outcome = data
        .store
        .vote(proposal.id, user, choice, data.clock.now())
        .await?;
    tracing::info!(user_id = user, proposal_id = proposal.id, "plan vote");
    let said = match choice {
        VoteChoice::Support => "Support",
        VoteChoice::NotNow => "Not for now",
    };
    let text = match outcome {
        VoteOutcome::New => format!(
            "Your vote on Proposal {}: **{said}**. You can change it any time.",
            proposal.number
        ),
        VoteOutcome::Changed => format!(
            "Changed: your vote on Proposal {} is now **{said}**.",
            proposal.number
        ),
        VoteOutcome::Unchanged => format!(
            "Your vote on Proposal {} was already **{said}**.",
            proposal.number
        ),
    };
    Ok(Voted {
        answer: Answer::text(text),
        refresh: (outcome != VoteOutcome::Unchanged).then(|| (Box::new(cohort), proposal)),
    })
}

/// `/plan vote proposal choice`.
pub async fn vote_by_number(
    data: &Data,
    guild: Option<u64>,
    user: u64,
    number: u32,
    choice: VoteChoice,
) -> Result<Voted, Error> {
    let plan = match plan_for(data, guild, user).await? {
        PlanFor::Refused(answer) => return Ok(Voted::said(*answer)),
        PlanFor::Ready(_, plan) => plan,
    };
    match data.store.proposal_numbered(plan.id, number).await? {
        Some(proposal) => vote(data, user, proposal.id, choice).await,
        None => Ok(Voted::said(Answer::text(format!(
            "There's no Proposal {number}. `/plan show` lists them."
        )))),
    }
}

/// "Volunteer as owner": the form for an optional name.
pub async fn volunteer_form(data: &Data, user: u64, id: i64) -> Result<Outcome, Error> {
    Ok(match member_proposal(data, user, id).await? {
        Ok((proposal, ..)) => Outcome::Form(view::volunteer_modal(proposal.id, proposal.number)),
        Err(answer) => answer.into(),
    })
}

/// The volunteer form was sent.
pub async fn volunteer(
    data: &Data,
    http: &serenity::Http,
    user: u64,
    id: i64,
    name: &str,
) -> Result<Answer, Error> {
    let name = name.trim();
    if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Ok(Answer::text(format!(
            "A name is one line of up to {NAME_MAX} characters."
        ))
        .with_text_back(name));
    }
    let (proposal, cohort, plan) = match member_proposal(data, user, id).await? {
        Ok(found) => found,
        Err(answer) => return Ok(answer.with_text_back(name)),
    };
    let now = data.clock.now();
    let owner = super::persist(|| {
        let seal = (!name.is_empty()).then(|| sealed::sealing(&data.cipher, name));
        data.store.volunteer(proposal.id, user, seal, now)
    })
    .await?;
    let Some(owner) = owner else {
        return Ok(Answer::text(format!(
            "You already own Proposal {}. Thank you!",
            proposal.number
        )));
    };
    tracing::info!(
        user_id = user,
        proposal_id = proposal.id,
        named = !name.is_empty(),
        "volunteered as owner"
    );
    if plan.state == PlanState::Published && proposal.rank.is_some() {
        super::plan_admin::owner_checkin(data, &cohort, &proposal, owner, user).await?;
        data.scheduler_wake.notify_one();
    }
    refresh(data, http, &cohort, &proposal).await;
    let how = if name.is_empty() {
        "counted as an owner, not named".to_owned()
    } else {
        format!("named as **{}**", view::plain(name))
    };
    Ok(Answer::text(format!(
        "You're an owner of Proposal {}, {how}. If it is in the published plan, you get a private \
         check-in on its date ({}): Tried it, Not yet, or Didn't apply (blocked).",
        proposal.number,
        date(proposal.target_date)
    )))
}

/// `/plan show`: the plan's proposals with their tallies (from k voters), owners, and your vote.
pub async fn show(data: &Data, guild: Option<u64>, user: u64) -> Result<Answer, Error> {
    let (cohort, plan) = match plan_for(data, guild, user).await? {
        PlanFor::Refused(answer) => return Ok(*answer),
        PlanFor::Ready(cohort, plan) => (cohort, plan),
    };
    let k = data.group_minimum(Some(cohort.guild_id)).await;
    let proposals: Vec<Proposal> = data
        .store
        .proposals(plan.id)
        .await?
        .into_iter()
        .filter(|p| !p.removed && (plan.state == PlanState::Open || p.rank.is_some()))
        .collect();
    let mut lines = Vec::new();
    for proposal in &proposals {
        let texts = texts(data, proposal)?;
        let tally = data.store.tally(proposal.id).await?;
        let (named, unnamed) = owners(data, proposal.id).await?;
        let votes = if tally.voters() >= k {
            format!("Support {} · Not for now {}", tally.support, tally.not_now)
        } else {
            format!("tally from {k} voters")
        };
        let head = match proposal.rank {
            Some(rank) if plan.state == PlanState::Published => {
                format!("**{rank}.** (Proposal {})", proposal.number)
            }
            _ => format!("**Proposal {}**", proposal.number),
        };
        let status = if plan.state == PlanState::Published {
            format!(" · {}", view::status_label(proposal.status))
        } else {
            format!(" · {votes}")
        };
        lines.push(format!(
            "{head} {} · by {}{status}\nOwners: {}",
            view::plain(&crate::bot::render::clip(&texts.what, 120)),
            date(proposal.target_date),
            owners_line(&named, unnamed)
        ));
    }
    let state = match plan.state {
        PlanState::Open => format!(
            "**{}**'s action plan is open: `/plan propose` adds an action; vote with the buttons on each proposal or `/plan vote`.",
            cohort.name
        ),
        PlanState::Published => format!(
            "**{}**'s action plan was published with {}.",
            cohort.name,
            plural::count(proposals.len() as u64, "action", "actions")
        ),
    };
    let body = if lines.is_empty() {
        "No proposals yet.".to_owned()
    } else {
        lines.join("\n")
    };
    Ok(Answer::text(crate::bot::render::clip(
        &format!("{state}\n\n{body}"),
        2000,
    )))
}

/// After an owner's check-in on a plan action (Tried it, Not yet, Didn't apply = blocked):
/// the action's status, and a line for the owner. `None` for an ordinary commitment.
pub async fn after_checkin(
    data: &Data,
    commitment: i64,
    outcome: CheckinOutcome,
) -> Result<Option<String>, Error> {
    let Some(proposal) = data.store.proposal_of_commitment(commitment).await? else {
        return Ok(None);
    };
    let status = match outcome {
        CheckinOutcome::TriedIt => ActionStatus::Tried,
        CheckinOutcome::NotYet => ActionStatus::NotYet,
        CheckinOutcome::DidNotApply => ActionStatus::Blocked,
    };
    data.store
        .set_action_status(proposal, status, data.clock.now())
        .await?;
    tracing::info!(
        proposal_id = proposal,
        status = status.as_str(),
        "action status from an owner's check-in"
    );
    data.scheduler_wake.notify_one();
    Ok(Some(format!(
        "The action plan now shows this action as **{}**.",
        view::status_label(status)
    )))
}
