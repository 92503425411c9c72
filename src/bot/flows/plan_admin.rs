//! The action plan for admins: `/cohort plan open | publish | remove`, and the owners'
//! check-ins that publishing creates (each owner's is a commitment due on the action's date,
//! so the check-in DM, its caps and quiet hours, and "waits for your next command" all come
//! from the commitments' machinery). The plan's message itself goes out from the scheduler's
//! outbox, once.

use chrono::Duration;
use poise::serenity_prelude as serenity;

use super::plan::{refresh, texts};
use crate::bot::render::clip;
use crate::bot::render::plan::PLAN_ACTIONS_MAX;
use crate::bot::{sealed, Data, Error};
use crate::domain::local_time::local_date;
use crate::domain::plural;
use crate::store::{Cohort, CommitOutcome, NewCommitment, PlanState, Proposal};

/// `/cohort plan open`: opens the plan now (before the cohort reaches the project module).
pub async fn open(data: &Data, http: &serenity::Http, cohort: &Cohort) -> Result<String, Error> {
    if data
        .curriculum
        .track(&cohort.track)
        .and_then(|t| t.certification)
        .is_none()
    {
        return Ok(format!(
            "**{}**'s program has no collaborative action plan. Nothing was changed.",
            cohort.name
        ));
    }
    let (plan, opened) = data.store.open_plan(cohort.id, data.clock.now()).await?;
    if !opened {
        let state = match plan.state {
            PlanState::Open => "is already open",
            PlanState::Published => "was already published",
        };
        return Ok(format!("**{}**'s action plan {state}.", cohort.name));
    }
    tracing::info!(
        cohort_id = cohort.id,
        plan_id = plan.id,
        "action plan opened by an admin"
    );
    let mut said = format!(
        "**{}**'s action plan is open: members propose actions with `/plan propose` and vote on them.",
        cohort.name
    );
    if let Some(channel) = cohort.channel_id {
        let message = serenity::CreateMessage::new()
            .content(
                "📋 **The cohort's action plan is open.** Propose an action with `/plan propose` \
                 (anonymous unless you give a name), vote with the buttons on each proposal, and \
                 volunteer to own one. `/plan show` lists them.",
            )
            .allowed_mentions(serenity::CreateAllowedMentions::new());
        let target = serenity::ChannelId::new(channel);
        match data
            .pacer
            .call(Some(channel), || target.send_message(http, message.clone()))
            .await
        {
            Ok(_) => said.push_str(&format!(" I told <#{channel}>.")),
            Err(e) => {
                tracing::warn!(channel_id = channel, error = %crate::bot::redact::redact_tokens(&e.to_string()), "could not announce an open plan")
            }
        }
    }
    Ok(said)
}

/// `/cohort plan publish`: freezes the top actions; the scheduler posts the plan once.
pub async fn publish(data: &Data, http: &serenity::Http, cohort: &Cohort) -> Result<String, Error> {
    let Some(plan) = data.store.plan_of(cohort.id).await? else {
        return Ok(format!(
            "**{}** has no open action plan. `/cohort plan open` opens one. Nothing was changed.",
            cohort.name
        ));
    };
    if plan.state == PlanState::Published {
        return Ok(format!(
            "**{}**'s action plan was already published.",
            cohort.name
        ));
    }
    let org = data.store.org_settings(cohort.guild_id).await?;
    let Some(channel) = org
        .summary_channel
        .filter(|_| org.summary_stopped.is_none())
    else {
        return Ok(
            "The plan goes to the organisation's summary channel: pick one first with \
             `/org summary-channel`. Nothing was changed."
                .to_owned(),
        );
    };
    let proposals = data.store.proposals(plan.id).await?;
    let mut supported = false;
    for proposal in proposals.iter().filter(|p| !p.removed) {
        supported |= data.store.tally(proposal.id).await?.support > 0;
    }
    if !supported {
        return Ok(
            "No proposal has a Support vote yet, so there is nothing to publish. Nothing was changed."
                .to_owned(),
        );
    }
    let Some(ranked) = data
        .store
        .publish_plan(plan.id, PLAN_ACTIONS_MAX, data.clock.now())
        .await?
    else {
        return Ok(format!(
            "**{}**'s action plan was already published.",
            cohort.name
        ));
    };
    tracing::info!(
        cohort_id = cohort.id,
        plan_id = plan.id,
        actions = ranked.len(),
        "action plan published"
    );
    let mut owners = 0;
    for id in &ranked {
        let Some(proposal) = data.store.proposal(*id).await? else {
            continue;
        };
        for owner in data.store.owners(proposal.id).await? {
            owner_checkin(data, cohort, &proposal, owner.id, owner.user_id).await?;
            owners += 1;
        }
    }
    data.scheduler_wake.notify_one();
    // Votes are closed: every proposal's message says so and loses its buttons.
    for proposal in data.store.proposals(plan.id).await? {
        refresh(data, http, cohort, &proposal).await;
    }
    Ok(format!(
        "Published **{}**'s action plan: {}. It goes to <#{channel}> now; {} a private check-in on \
         its action's date, and each answer updates the plan.",
        cohort.name,
        plural::count(ranked.len() as u64, "action", "actions"),
        match owners {
            0 => "owners who volunteer later get".to_owned(),
            n => format!("{} get", plural::count(n as u64, "owner", "owners")),
        }
    ))
}

/// An owner's check-in on their action's date: a commitment ("When the date comes, I will
/// take the first step") linked to the ownership, outside the limit on open commitments.
pub async fn owner_checkin(
    data: &Data,
    cohort: &Cohort,
    proposal: &Proposal,
    owner: i64,
    user: u64,
) -> Result<(), Error> {
    let texts = texts(data, proposal)?;
    let today = local_date(data.clock.now(), cohort.timezone);
    let due = proposal.target_date.max(today + Duration::days(1));
    let days = (due - today).num_days().clamp(1, 60) as u32;
    let when = format!(
        "the date comes for our action plan's \"{}\"",
        clip(&texts.what, 120)
    );
    let will = clip(&texts.first_step, 200);
    let new = NewCommitment {
        user_id: user,
        guild_id: cohort.guild_id,
        cohort_id: cohort.id,
        follow_up_days: days,
        due_date: due,
    };
    let created = super::persist(|| {
        let seal = sealed::sealing_commitment(&data.cipher, &when, &will);
        data.store
            .create_commitment(new, seal, u32::MAX, data.clock.now())
    })
    .await?;
    if let CommitOutcome::Created(commitment) = created {
        data.store.set_owner_commitment(owner, commitment).await?;
        tracing::info!(
            user_id = user,
            proposal_id = proposal.id,
            commitment_id = commitment,
            "owner check-in set"
        );
    }
    Ok(())
}

/// `/cohort plan remove`: takes a proposal out (no more votes, not in the plan) and tells its
/// proposer privately, with their text.
pub async fn remove(
    data: &Data,
    http: &serenity::Http,
    cohort: &Cohort,
    number: u32,
) -> Result<String, Error> {
    let Some(plan) = data.store.plan_of(cohort.id).await? else {
        return Ok(format!(
            "**{}** has no action plan. Nothing was changed.",
            cohort.name
        ));
    };
    let Some(proposal) = data.store.proposal_numbered(plan.id, number).await? else {
        return Ok(format!(
            "There's no Proposal {number} in **{}**'s plan. Nothing was changed.",
            cohort.name
        ));
    };
    if !data
        .store
        .remove_proposal(proposal.id, data.clock.now())
        .await?
    {
        return Ok(format!("Proposal {number} was already removed."));
    }
    tracing::info!(
        cohort_id = cohort.id,
        proposal_id = proposal.id,
        "proposal removed by an admin"
    );
    let removed = Proposal {
        removed: true,
        ..proposal.clone()
    };
    refresh(data, http, cohort, &removed).await;
    data.scheduler_wake.notify_one();
    let told = match proposal.user_id {
        Some(user) => tell_proposer(data, http, cohort, &proposal, user).await,
        None => false,
    };
    Ok(format!(
        "Removed Proposal {number} from **{}**'s plan.{}",
        cohort.name,
        if told {
            " Its proposer was told privately."
        } else {
            " Its proposer could not be told (their DMs are closed, or they deleted their data)."
        }
    ))
}

async fn tell_proposer(
    data: &Data,
    http: &serenity::Http,
    cohort: &Cohort,
    proposal: &Proposal,
    user: u64,
) -> bool {
    let Ok(texts) = texts(data, proposal) else {
        return false;
    };
    let text = format!(
        "An admin removed your Proposal {} from **{}**'s action plan. Here is what you wrote, so \
         nothing is lost:\n```\n{}\n\n{}\n\n{}\n```",
        proposal.number,
        cohort.name,
        texts.what.replace("```", "`\u{200b}``"),
        texts.who.replace("```", "`\u{200b}``"),
        texts.first_step.replace("```", "`\u{200b}``"),
    );
    let message = serenity::CreateMessage::new()
        .content(clip(&text, 2000))
        .allowed_mentions(serenity::CreateAllowedMentions::new());
    let person = serenity::UserId::new(user);
    let sent = async {
        let dm = data
            .pacer
            .call(None, || person.create_dm_channel(http))
            .await?;
        data.pacer
            .call(Some(dm.id.get()), || {
                dm.id.send_message(http, message.clone())
            })
            .await
    };
    match sent.await {
        Ok(_) => true,
        Err(e) => {
            tracing::info!(user_id = user, error = %crate::bot::redact::redact_tokens(&e.to_string()), "could not tell a proposer their proposal was removed");
            false
        }
    }
}

/// Before `/privacy delete`: the person's named proposals, whose posts must lose the name.
pub async fn named_proposals(data: &Data, user: u64) -> Result<Vec<(Cohort, Proposal)>, Error> {
    let mut out = Vec::new();
    for proposal in data.store.proposals_by(user).await? {
        if proposal.name_sealed.is_none() {
            continue;
        }
        if let Some(plan) = data.store.plan(proposal.plan_id).await? {
            if let Some(cohort) = data.store.cohort(plan.cohort_id).await? {
                out.push((cohort, proposal));
            }
        }
    }
    Ok(out)
}

/// After `/privacy delete`: those posts shown again, anonymous; votes and owners they lost too.
pub async fn after_delete(data: &Data, http: &serenity::Http, named: Vec<(Cohort, Proposal)>) {
    for (cohort, proposal) in named {
        let anonymous = Proposal {
            user_id: None,
            name_sealed: None,
            ..proposal
        };
        refresh(data, http, &cohort, &anonymous).await;
    }
    data.scheduler_wake.notify_one();
}

/// `/cohort status`'s lines on certification: completions as a k-anonymous count (never who),
/// and the action plan's state.
pub async fn status_lines(
    data: &Data,
    cohort: &Cohort,
    track: &crate::content::model::Track,
) -> Result<String, Error> {
    if track.certification.is_none() {
        return Ok(String::new());
    }
    let k = data.group_minimum(Some(cohort.guild_id)).await;
    let rules = crate::domain::kanon::Rules { k };
    let done = data.store.completion_count(cohort.id).await?;
    let completed = match rules.people(done) {
        crate::domain::kanon::Shown::Value(n) => plural::count(n, "person", "people"),
        crate::domain::kanon::Shown::TooFew => format!("— (fewer than {k} people)"),
    };
    let mut text = format!("Completed the track: {completed}\n");
    if let Some(plan) = data.store.plan_of(cohort.id).await? {
        let proposals = data.store.proposals(plan.id).await?;
        let line = match plan.state {
            PlanState::Open => format!(
                "open, {}",
                plural::count(
                    proposals.iter().filter(|p| !p.removed).count() as u64,
                    "proposal",
                    "proposals"
                )
            ),
            PlanState::Published => format!(
                "published, {}",
                plural::count(
                    proposals.iter().filter(|p| p.rank.is_some()).count() as u64,
                    "action",
                    "actions"
                )
            ),
        };
        text.push_str(&format!("Action plan: {line}\n"));
    }
    Ok(text)
}
