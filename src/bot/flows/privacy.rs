//! `/privacy`: what is kept, a full export, and deletion of everything keyed to the person.

use crate::domain::plural;
use poise::serenity_prelude as serenity;
use serde_json::{json, Map, Value};

use super::Answer;
use crate::bot::components::ComponentAction;
use crate::bot::posts::delete_post;
use crate::bot::sealed;
use crate::bot::shares;
use crate::bot::{Data, Error};
use crate::store::Lease;

/// The documented export format (docs/PRIVACY.md).
pub const EXPORT_FORMAT: &str = "allybot-export/1";

pub async fn info(data: &Data, guild: Option<u64>) -> Answer {
    let privacy = &data.settings.privacy;
    Answer::text(format!(
        "**What allybot keeps about you**\n\
         • Which cohort you joined and when, and the \"I tried this\" clicks you made.\n\
         • Your quizzes and answers (which option, right or not, how sure you were) to bring questions back at the right time.\n\
         • Your reflections and check-in notes: **encrypted**, readable only by you; deleted \
         automatically after {days} days.\n\
         • Your commitments: **encrypted**, readable only by you; kept until you delete them.\n\
         • Your check-in answers, which days a check-in DM was sent to you, your settings (time zone, \
         reminders, quiet hours) and that you agreed to store reflections.\n\n\
         **Who sees it:** only you. Admins see how many people are in a cohort, never what any one of \
         them did; their weekly summaries count only groups of at least {k} people. Nothing here is used \
         for employment decisions.\n\
         **Not kept:** your messages, your roles, anything you didn't give the bot.\n\
         `/privacy export` sends you all of it as a file; `/privacy delete` removes all of it.",
        days = privacy.reflection_retention_days,
        k = data.group_minimum(guild).await,
    ))
}

/// Everything keyed to `user`, as the documented JSON, reflections opened for them alone.
pub async fn export(data: &Data, user: u64) -> Result<Vec<u8>, Error> {
    let rows = data.store.personal_rows(user).await?;
    let mut tables = Map::new();
    for (name, values) in rows.tables {
        tables.insert(name, Value::Array(values));
    }
    let mut reflections = Vec::new();
    for reflection in data.store.reflections_of(user).await? {
        let text = sealed::reflection_text(&data.cipher, &reflection)?;
        reflections.push(json!({
            "question": reflection.question,
            "text": text,
            "written_at": reflection.created_at,
            "shared_anonymously_at": reflection.shared_at,
            "shared_in_channel": reflection.shared_channel_id.map(|c| c.to_string()),
        }));
    }
    tables.insert("reflections".into(), Value::Array(reflections));
    tables.insert(
        "commitments".into(),
        Value::Array(commitments(data, user).await?),
    );
    tables.insert(
        "checkin_answers".into(),
        Value::Array(checkin_answers(data, user).await?),
    );
    for (name, values) in super::plan_export::tables(data, user).await? {
        tables.insert(name.into(), Value::Array(values));
    }
    let settings = data.store.participant_settings(user).await?;
    tables.insert(
        "settings".into(),
        json!({
            "timezone": settings.timezone.map(|z| z.name()),
            "reminders": if settings.reminders_on { "on" } else { "off" },
            "quiet_hours": settings.quiet.map(|q| q.to_string()),
        }),
    );
    let document = json!({
        "format": EXPORT_FORMAT,
        "user_id": user.to_string(),
        "exported_at": data.clock.now(),
        "data": tables,
    });
    tracing::info!(user_id = user, "data exported");
    Ok(serde_json::to_vec_pretty(&document)?)
}

async fn commitments(data: &Data, user: u64) -> Result<Vec<Value>, Error> {
    let mut out = Vec::new();
    for commitment in data.store.commitments_of(user).await? {
        let (when, will) = sealed::commitment_texts(&data.cipher, &commitment)?;
        out.push(json!({
            "when": when,
            "i_will": will,
            "follow_up_days": commitment.follow_up_days,
            "next_check_in": commitment.due_date,
            "status": commitment.status.as_db(),
        }));
    }
    Ok(out)
}

async fn checkin_answers(data: &Data, user: u64) -> Result<Vec<Value>, Error> {
    let mut out = Vec::new();
    for answer in data.store.checkin_answers_of(user).await? {
        let note = sealed::note(&data.cipher, &answer, user)?;
        out.push(json!({
            "commitment": answer.commitment_id,
            "check_in_date": answer.round_date,
            "answer": answer.outcome,
            "new_date": answer.new_due_date,
            "note": note,
            "answered_at": answer.answered_at,
        }));
    }
    Ok(out)
}

pub fn confirm_delete() -> Answer {
    let delete = serenity::CreateButton::new(ComponentAction::ConfirmDelete.to_string())
        .label("Delete all my data")
        .style(serenity::ButtonStyle::Danger);
    Answer::text(
        "This deletes everything allybot keeps about you, in every cohort: memberships, clicks, quiz answers, \
         reflections (and the posts of any you shared anonymously), commitments, check-ins, votes, \
         action-plan ownerships, certificates (their codes stop verifying) and settings. Proposals you \
         made stay in their plan, anonymous. It cannot be undone. (Want a copy first? \
         `/privacy export`.)",
    )
    .with_button(delete)
}

pub async fn delete(data: &Data, http: &serenity::Http, user: u64) -> Result<Answer, Error> {
    // Anonymous shares were posted in a channel: take those posts down too.
    let mut kept = take_down_interrupted_shares(data, http, user).await?;
    for post in data.store.shared_posts_of(user).await? {
        if let Err(e) = delete_post(&data.pacer, http, post.channel, post.message).await {
            kept += 1;
            // Its record goes with the person's data: the log is what is left to find it by.
            tracing::error!(channel_id = post.channel, message_id = post.message, error = %e,
                "could not remove the anonymous post of a person who deleted their data; an admin must delete it");
        }
    }
    kept += super::plan_export::take_down_congratulations(data, http, user).await?;
    let named = super::plan_admin::named_proposals(data, user).await?;
    let removed = data.store.delete_person(user).await?;
    super::plan_admin::after_delete(data, http, named).await;
    tracing::info!(user_id = user, removed, "personal data deleted");
    let leftover = if kept > 0 {
        format!(
            " {} could not be removed from {}; ask an admin to delete {}.",
            plural::count(kept, "post", "posts"),
            plural::noun(kept, "its channel", "their channels"),
            plural::noun(kept, "it", "them")
        )
    } else {
        String::new()
    };
    Ok(Answer::text(format!(
        "Done: {} about you {} deleted, including anything you shared anonymously, and you \
         have left your cohorts.{leftover} You're welcome back any time with `/join`.",
        plural::count(removed, "record", "records"),
        plural::noun(removed, "was", "were")
    )))
}

/// Shares whose post was interrupted (a crash between the post and its record) and whose
/// holder is gone: taken over, looked for in the channel, and taken down if found. One still
/// being posted right now is left to its holder, which takes its post down when it finds the
/// reflection deleted. Returns how many could not be checked.
async fn take_down_interrupted_shares(
    data: &Data,
    http: &serenity::Http,
    user: u64,
) -> Result<u32, Error> {
    let mut unchecked = 0;
    for share in data.store.pending_shares_of(user).await? {
        let now = data.clock.now();
        let lease = Lease::from(&data.lease_owner, now);
        if !data
            .store
            .take_over_share(share.reflection_id, lease, now)
            .await?
        {
            continue;
        }
        let text =
            sealed::reflection_sealed(&data.cipher, share.reflection_id, user, &share.sealed_text)?;
        let found = match shares::find(http, &data.pacer, share.channel_id, &text, share.claimed_at)
            .await
        {
            Ok(candidates) => Ok(data.store.first_unrecorded_share_post(&candidates).await?),
            Err(e) => Err(e),
        };
        match found {
            Ok(Some(message)) => {
                if let Err(e) = delete_post(&data.pacer, http, share.channel_id, message).await {
                    unchecked += 1;
                    tracing::error!(channel_id = share.channel_id, message_id = message, error = %e,
                        "could not remove the anonymous post of a person who deleted their data; an admin must delete it");
                }
            }
            Ok(None) => {}
            Err(e) => {
                unchecked += 1;
                tracing::error!(channel_id = share.channel_id, reflection_id = share.reflection_id, error = %e,
                    "could not check for an interrupted anonymous post of a person who deleted their data; if it reached the channel, an admin must delete it");
            }
        }
    }
    Ok(unchecked)
}
