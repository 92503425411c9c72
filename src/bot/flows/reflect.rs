//! Private reflections: consent before the first one, a form with the day's question, the text
//! sealed before it is stored, over-long text handed back whole, and an optional anonymous share
//! with the cohort after a confirmation. The text itself is never logged.

use poise::serenity_prelude as serenity;

use super::membership::not_in_a_cohort;
use super::{Answer, Outcome};
use crate::bot::components::ComponentAction;
use crate::bot::errors::{answer_for, user_error};
use crate::bot::posts::delete_post;
use crate::bot::render::{self, clip, REFLECTION_MAX};
use crate::bot::sealed;
use crate::bot::shares;
use crate::bot::{Data, Error};
use crate::content::model::Module;
use crate::domain::Stage;
use crate::scheduler::PostError;
use crate::store::{Cohort, Lease, NewReflection, ShareRecord};

pub const STALE: &str = "This button is no longer valid. `/reflect` starts a new reflection.";
const FALLBACK_QUESTION: &str = "What did you notice today, and what would you try next time?";

fn consent_notice(retention_days: u32) -> Answer {
    let agree = serenity::CreateButton::new(ComponentAction::ReflectionConsent.to_string())
        .label("I understand, continue")
        .style(serenity::ButtonStyle::Primary);
    Answer::text(format!(
        "**Before your first reflection:** what you write is stored encrypted, and only you can read it: \
         not admins, not your cohort. It may touch on sensitive things, so write only what you're comfortable \
         keeping. It is deleted automatically after {retention_days} days, `/privacy export` gives you a \
         copy, and `/privacy delete` removes it (and this consent) at any time. Nothing here is used for \
         any employment decision."
    ))
    .with_button(agree)
}

/// The cohort a reflection belongs to: the nudge's, or the person's current one.
async fn cohort_for(
    data: &Data,
    guild: Option<u64>,
    user: u64,
    delivery: Option<i64>,
) -> Result<Option<Cohort>, Error> {
    if let Some(delivery) = delivery {
        let cohort = super::nudge::cohort_of_nudge(data, delivery, STALE).await?;
        return Ok(data
            .store
            .is_member(cohort.id, user)
            .await?
            .then_some(cohort));
    }
    let Some(guild) = guild else { return Ok(None) };
    Ok(data.store.current_cohort(guild, user).await?)
}

/// The day's question: the nudge's own reflection question if it has one, otherwise one of the
/// current module's reflection questions (of every module, on an open-ended program).
async fn question_for(
    data: &Data,
    cohort: &Cohort,
    delivery: Option<i64>,
) -> Result<String, Error> {
    let nudge = match delivery {
        Some(id) => data.store.delivery(id).await?,
        None => data.store.latest_sent(cohort.id).await?,
    };
    let Some(track) = data.curriculum.track(&cohort.track) else {
        return Ok(FALLBACK_QUESTION.into());
    };
    if let Some((_, prompt)) = nudge.as_ref().and_then(|n| track.prompt(&n.prompt_id)) {
        if let Some(question) = &prompt.reflection {
            return Ok(question.clone());
        }
    }
    let day = nudge.map_or(1, |n| n.day_number);
    // An open-ended program's questions come from every module it draws from.
    let modules: Vec<&Module> = match cohort.plan.stage(day, &cohort.pace) {
        Stage::Module(number) => track.module(number).into_iter().collect(),
        Stage::Review => track.module(1).into_iter().collect(),
        Stage::Open => track.modules.iter().collect(),
    };
    let questions: Vec<&str> = modules
        .iter()
        .flat_map(|m| m.reflections.iter().map(|r| r.text.as_str()))
        .collect();
    Ok(if questions.is_empty() {
        FALLBACK_QUESTION.to_owned()
    } else {
        questions[day as usize % questions.len()].to_owned()
    })
}

/// `/reflect` or the nudge's Reflect button: the consent notice the first time, else the form.
pub async fn open(
    data: &Data,
    guild: Option<u64>,
    user: u64,
    delivery: Option<i64>,
) -> Result<Outcome, Error> {
    let Some(cohort) = cohort_for(data, guild, user, delivery).await? else {
        return Ok(not_in_a_cohort().into());
    };
    if !data.store.has_reflection_consent(user).await? {
        return Ok(consent_notice(data.settings.privacy.reflection_retention_days).into());
    }
    let question = question_for(data, &cohort, delivery).await?;
    Ok(Outcome::Form(render::reflection_modal(
        delivery.unwrap_or(0),
        &clip(&question, 100),
    )))
}

/// The consent button: records consent, then opens the form.
pub async fn consent(data: &Data, guild: Option<u64>, user: u64) -> Result<Outcome, Error> {
    data.store
        .record_reflection_consent(user, data.clock.now())
        .await?;
    tracing::info!(user_id = user, "reflection consent given");
    open(data, guild, user, None).await
}

/// The form's submission.
pub async fn save(
    data: &Data,
    guild: Option<u64>,
    user: u64,
    delivery: i64,
    text: &str,
) -> Result<Answer, Error> {
    let delivery = (delivery > 0).then_some(delivery);
    let text = text.trim();
    let length = text.chars().count();
    if length == 0 {
        return Ok(Answer::text(
            "There was nothing to save. `/reflect` opens the form again.",
        ));
    }
    if length > REFLECTION_MAX {
        return Ok(too_long(text, length));
    }
    // The form is gone once sent: any refusal or failure from here hands the text back.
    Ok(match keep(data, guild, user, delivery, text).await {
        Ok(Ok(id)) => saved(id),
        Ok(Err(refusal)) => refusal.with_text_back(text),
        Err(error) => answer_for(&error).with_text_back(text),
    })
}

/// Seals and stores the reflection; the id, or why not.
async fn keep(
    data: &Data,
    guild: Option<u64>,
    user: u64,
    delivery: Option<i64>,
    text: &str,
) -> Result<Result<i64, Answer>, Error> {
    let Some(cohort) = cohort_for(data, guild, user, delivery).await? else {
        return Ok(Err(not_in_a_cohort()));
    };
    if !data.store.has_reflection_consent(user).await? {
        return Ok(Err(consent_notice(
            data.settings.privacy.reflection_retention_days,
        )));
    }
    let question = question_for(data, &cohort, delivery).await?;
    let new = NewReflection {
        user_id: user,
        cohort_id: Some(cohort.id),
        delivery_id: delivery,
        question: &question,
    };
    let id = super::persist(|| {
        let seal = sealed::sealing(&data.cipher, text);
        data.store.save_reflection(new, seal, data.clock.now())
    })
    .await?;
    tracing::info!(
        user_id = user,
        reflection_id = id,
        length = text.chars().count(),
        "reflection saved"
    );
    Ok(Ok(id))
}

fn saved(id: i64) -> Answer {
    let share = serenity::CreateButton::new(
        ComponentAction::ShareReflection { reflection: id }.to_string(),
    )
    .label("Share anonymously with my cohort")
    .style(serenity::ButtonStyle::Secondary);
    Answer::text(
        "Saved, privately: only you can read it. If you'd like others to learn from it, you can share it \
         with your cohort without your name (you'll see it first).",
    )
    .with_button(share)
}

/// Over-long text is refused and handed back whole, so nothing is lost.
fn too_long(text: &str, length: usize) -> Answer {
    Answer::text(format!(
        "Your reflection is {length} characters; the limit is {REFLECTION_MAX}. Nothing was saved. Here is \
         your text so you can shorten it and run `/reflect` again:"
    ))
    .with_text_back(text)
}

/// "Share anonymously": shows exactly what would be posted, and asks to confirm.
pub async fn offer_share(data: &Data, user: u64, id: i64) -> Result<Answer, Error> {
    let reflection = data
        .store
        .own_reflection(user, id)
        .await?
        .ok_or_else(|| user_error(STALE))?;
    if reflection.shared_at.is_some() {
        return Ok(Answer::text("You've already shared this one."));
    }
    let text = sealed::reflection_text(&data.cipher, &reflection)?;
    let confirm =
        serenity::CreateButton::new(ComponentAction::ConfirmShare { reflection: id }.to_string())
            .label("Yes, share it without my name")
            .style(serenity::ButtonStyle::Primary);
    Ok(Answer {
        text: "This is what your cohort would see, with no name attached. Share it?".into(),
        embed: Some(shares::embed(&text)),
        components: Vec::new(),
    }
    .with_button(confirm))
}

/// The confirmation: posts the text, without any name, to the cohort's channel (once). The
/// share is claimed first (with its channel and nonce, under this process's lease), so a
/// double click posts nothing twice and a crash before the post is recorded leaves a claim
/// that recovery settles.
pub async fn share(
    data: &Data,
    http: &serenity::Http,
    user: u64,
    id: i64,
) -> Result<Answer, Error> {
    let reflection = data
        .store
        .own_reflection(user, id)
        .await?
        .ok_or_else(|| user_error(STALE))?;
    let cohort = match reflection.cohort_id {
        Some(cohort) => data.store.cohort(cohort).await?,
        None => None,
    };
    let Some(channel) = cohort.filter(|c| !c.archived).and_then(|c| c.channel_id) else {
        return Ok(Answer::text(
            "Your cohort has no channel to share in right now; nothing was posted.",
        ));
    };
    let now = data.clock.now();
    let lease = Lease::from(&data.lease_owner, now);
    let Some(nonce) = data
        .store
        .claim_share(id, user, channel, lease, now)
        .await?
    else {
        return Ok(Answer::text("You've already shared this one."));
    };
    let text = sealed::reflection_text(&data.cipher, &reflection)?;
    let posted = match shares::post(http, &data.pacer, channel, &nonce, &text).await {
        Ok(posted) => posted,
        Err(e @ PostError::Transient { .. }) => {
            // Not a refusal: an attempt may have reached the channel with its answer lost. The
            // claim stays for recovery, which looks in the channel before posting again; its
            // lease ends now, so the next round (or `/privacy delete`) can take it over.
            let _ = data
                .store
                .release_share(id, &data.lease_owner, data.clock.now())
                .await?;
            data.scheduler_wake.notify_one();
            tracing::warn!(reflection_id = id, error = %e, "sharing a reflection did not finish; left for recovery to settle");
            return Ok(Answer::text(format!(
                "Discord is slow to answer right now. Your reflection will appear in <#{channel}> without \
                 your name, though it may take a few minutes; there's nothing more you need to do."
            )));
        }
        Err(e) => {
            // Discord refused the post outright: nothing was posted.
            let _ = data.store.abandon_share(id, &data.lease_owner).await?;
            tracing::warn!(reflection_id = id, error = %e, "sharing a reflection failed");
            return Ok(Answer::text(
                "I couldn't post it; nothing was shared. Try again in a little while.",
            ));
        }
    };
    let recorded = data
        .store
        .record_share(id, posted, &data.lease_owner, data.clock.now())
        .await?;
    if recorded == ShareRecord::Gone {
        // The reflection was deleted while its post was on its way: the post comes down too.
        if let Err(e) = delete_post(&data.pacer, http, channel, posted).await {
            tracing::error!(channel_id = channel, message_id = posted, error = %e,
                "could not remove the post of a deleted reflection; an admin must delete it");
            return Ok(Answer::text(
                "Your reflection was deleted meanwhile, but its post could not be taken down; ask an admin to delete it.",
            ));
        }
        return Ok(Answer::text(
            "Your reflection was deleted meanwhile, so its post was taken down again.",
        ));
    }
    tracing::info!(reflection_id = id, "reflection shared anonymously");
    Ok(Answer::text(format!(
        "Shared in <#{channel}>, without your name. Thank you for adding to the cohort's learning."
    )))
}
