//! Check-ins: answering one (Tried it / Not yet / Didn't apply, a note, a new date), the
//! `/checkin` list, and check-ins that waited for the person's next command. Every answer is
//! checked against the owner from the interaction; "Not yet" and "Didn't apply" are normal
//! outcomes and are answered as such.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use poise::serenity_prelude as serenity;

use super::commitments::MAX_DAYS;
use super::membership::not_in_a_cohort;
use super::{Answer, Outcome};
use crate::bot::commands::support::timestamp;
use crate::bot::components::{CheckinOutcome, ComponentAction, STALE_BUTTON};
use crate::bot::errors::{answer_for, user_error};
use crate::bot::render::{self, CheckinLine, NOTE_MAX};
use crate::bot::sealed;
use crate::bot::{Data, Error};
use crate::crypto::{Cipher, CryptoError};
use crate::domain::local_time::local_date;
use crate::domain::{resolve, SendTime};
use crate::store::{Commitment, CommitmentStatus};

const NOT_YOURS: &str =
    "This check-in belongs to someone else, so nothing was changed. `/checkin` shows your own.";

/// The commitment's text, opened for its owner.
pub fn open_text(cipher: &Cipher, commitment: &Commitment) -> Result<String, CryptoError> {
    let (when, will) = sealed::commitment_texts(cipher, commitment)?;
    Ok(render::commitment_text(&when, &will))
}

/// Card lines for `items`, each with an optional detail line.
pub fn lines(
    cipher: &Cipher,
    items: &[Commitment],
    detail: impl Fn(&Commitment) -> Option<String>,
) -> Result<Vec<CheckinLine>, CryptoError> {
    items
        .iter()
        .map(|c| {
            Ok(CheckinLine {
                commitment: c.id,
                text: open_text(cipher, c)?,
                detail: detail(c),
            })
        })
        .collect()
}

/// The check-in time and zone of a commitment: its cohort's nudge time, in the person's zone.
async fn schedule_of(data: &Data, commitment: &Commitment) -> Result<(SendTime, Tz), Error> {
    let cohort = data
        .store
        .cohort(commitment.cohort_id)
        .await?
        .ok_or_else(|| user_error(STALE_BUTTON))?;
    let settings = data.store.participant_settings(commitment.user_id).await?;
    Ok((cohort.send_time, settings.zone_or(cohort.timezone)))
}

async fn due_instant(data: &Data, commitment: &Commitment) -> Result<DateTime<Utc>, Error> {
    let (time, zone) = schedule_of(data, commitment).await?;
    Ok(resolve(commitment.due_date, time, zone))
}

/// The commitment `id` if it belongs to `user`; otherwise the answer to give instead.
async fn owned(data: &Data, user: u64, id: i64) -> Result<Result<Commitment, Answer>, Error> {
    Ok(match data.store.commitment(id).await? {
        None => Err(Answer::text(STALE_BUTTON)),
        Some(c) if c.user_id != user => {
            tracing::info!(
                user_id = user,
                commitment_id = id,
                "check-in refused: not theirs"
            );
            Err(Answer::text(NOT_YOURS))
        }
        Some(c) => Ok(c),
    })
}

fn note_button(commitment: i64) -> serenity::CreateButton {
    serenity::CreateButton::new(ComponentAction::CheckinNote { commitment }.to_string())
        .label("Add a note")
        .style(serenity::ButtonStyle::Secondary)
}

fn already(status: CommitmentStatus) -> Answer {
    let how = match status {
        CommitmentStatus::Kept => "you tried it",
        CommitmentStatus::NotApplicable => "it didn't apply",
        CommitmentStatus::Open => "it's still open",
    };
    Answer::text(format!(
        "You've already checked in on this one ({how}). Thanks!"
    ))
}

/// A check-in button: Tried it, Not yet, Didn't apply.
pub async fn answer(
    data: &Data,
    user: u64,
    id: i64,
    outcome: CheckinOutcome,
) -> Result<Outcome, Error> {
    let commitment = match owned(data, user, id).await? {
        Ok(c) => c,
        Err(answer) => return Ok(answer.into()),
    };
    if commitment.status != CommitmentStatus::Open {
        return Ok(already(commitment.status).into());
    }
    let (status, reply) = match outcome {
        CheckinOutcome::NotYet => return Ok(Outcome::Form(render::new_date_modal(id))),
        CheckinOutcome::TriedIt => (
            CommitmentStatus::Kept,
            "You tried it: that's how a habit starts. Marked as kept.\n\
             If you like, add a private note on how it went, and `/commit` sets your next plan.",
        ),
        CheckinOutcome::DidNotApply => (
            CommitmentStatus::NotApplicable,
            "Thanks for checking in. The situation didn't come up, and that's a normal outcome: \
             nothing is counted against you. This one is closed; `/commit` makes a new plan whenever you like.",
        ),
    };
    let now = data.clock.now();
    if !data.store.close_commitment(id, user, status, now).await? {
        return Ok(already(status).into());
    }
    tracing::info!(user_id = user, commitment_id = id, outcome = ?outcome, "checked in");
    // An owner's check-in on a plan action also sets the action's status.
    let reply = match super::plan::after_checkin(data, id, outcome).await? {
        Some(plan_line) => format!("{reply}\n{plan_line}"),
        None => reply.to_owned(),
    };
    Ok(Answer::text(reply).with_button(note_button(id)).into())
}

/// "Add a note": the note form, for the owner only.
pub async fn note_form(data: &Data, user: u64, id: i64) -> Result<Outcome, Error> {
    Ok(match owned(data, user, id).await? {
        Ok(_) => Outcome::Form(render::note_modal(id)),
        Err(answer) => answer.into(),
    })
}

/// The note form was sent: sealed and kept with the commitment's current check-in.
pub async fn save_note(data: &Data, user: u64, id: i64, note: &str) -> Result<Answer, Error> {
    let note = note.trim();
    // The form is gone once sent: any refusal or failure hands the note back.
    Ok(match keep_note(data, user, id, note).await {
        Ok(Ok(())) => Answer::text(
            "Note saved. It's encrypted, and only you can read it (`/privacy export`).",
        ),
        Ok(Err(refusal)) => refusal.with_text_back(note),
        Err(error) => answer_for(&error).with_text_back(note),
    })
}

async fn keep_note(
    data: &Data,
    user: u64,
    id: i64,
    note: &str,
) -> Result<Result<(), Answer>, Error> {
    if let Err(refusal) = owned(data, user, id).await? {
        return Ok(Err(refusal));
    }
    if note.is_empty() {
        return Ok(Err(Answer::text(
            "That note was empty, so nothing was saved.",
        )));
    }
    let length = note.chars().count();
    if length > NOTE_MAX {
        return Ok(Err(Answer::text(format!(
            "Notes can be up to {NOTE_MAX} characters; this one has {length}. Here it is, so you can \
             shorten it and add it again:"
        ))));
    }
    super::persist(|| {
        let seal = sealed::sealing(&data.cipher, note);
        data.store
            .save_checkin_note(id, user, seal, data.clock.now())
    })
    .await?;
    tracing::info!(
        user_id = user,
        commitment_id = id,
        length,
        "check-in note saved"
    );
    Ok(Ok(()))
}

/// "Not yet": the new-date form was sent.
pub async fn new_date(data: &Data, user: u64, id: i64, days: &str) -> Result<Answer, Error> {
    let commitment = match owned(data, user, id).await? {
        Ok(c) => c,
        Err(answer) => return Ok(answer),
    };
    if commitment.status != CommitmentStatus::Open {
        return Ok(already(commitment.status));
    }
    let Some(days) = days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=i64::from(MAX_DAYS)).contains(d))
    else {
        return Ok(Answer::text(format!(
            "Pick a number of days from 1 to {MAX_DAYS}, then press **Not yet** again."
        )));
    };
    let (time, zone) = schedule_of(data, &commitment).await?;
    let now = data.clock.now();
    let date = local_date(now, zone) + Duration::days(days);
    if super::persist(|| data.store.reschedule_commitment(id, user, date, now)).await? {
        tracing::info!(user_id = user, commitment_id = id, days, "check-in moved");
        data.scheduler_wake.notify_one();
        super::plan::after_checkin(data, id, CheckinOutcome::NotYet).await?;
    }
    let due = resolve(date, time, zone);
    Ok(Answer::text(format!(
        "No problem: \"not yet\" is a normal part of building a habit. I'll check in again on **{}**, {}.\n\
         Want to keep the plan, tweak it, or pick a smaller one? `/commit` makes a new one any time.",
        date.format("%a %-d %b"),
        timestamp(due, 'F')
    )))
}

/// `/checkin`: the person's open commitments with their buttons; also the ids shown.
pub async fn list(data: &Data, guild: Option<u64>, user: u64) -> Result<(Answer, Vec<i64>), Error> {
    let open = data.store.open_commitments(user).await?;
    if open.is_empty() {
        let member = match guild {
            Some(guild) => data.store.membership(guild, user).await?.is_some(),
            None => true,
        };
        let answer = if member {
            Answer::text(
                "You have no open commitments. `/commit` makes one: a small \"When…, I will…\" plan, \
                 and I'll check in with you privately later.",
            )
        } else {
            not_in_a_cohort()
        };
        return Ok((answer, Vec::new()));
    }
    let now = data.clock.now();
    let mut details = Vec::with_capacity(open.len());
    for c in &open {
        let due = due_instant(data, c).await?;
        details.push(if due <= now {
            format!("Check-in due since {}", timestamp(due, 'R'))
        } else {
            format!("Check-in {}", timestamp(due, 'D'))
        });
    }
    let lines = lines(&data.cipher, &open, |c| {
        open.iter()
            .position(|o| o.id == c.id)
            .and_then(|i| details.get(i).cloned())
    })?;
    let answer = Answer {
        text: String::new(),
        embed: Some(render::checkin_embed(
            "Your open commitments",
            "Answer whenever you're ready; nothing here is late.",
            &lines,
        )),
        components: render::checkin_buttons(&lines),
    };
    Ok((answer, open.iter().map(|c| c.id).collect()))
}

/// Check-ins that waited for this person's next command, taken (so they are shown once) as an
/// answer to show them; also their ids, to put back if showing fails.
pub async fn take_waiting(data: &Data, user: u64) -> Result<Option<(Answer, Vec<i64>)>, Error> {
    let items = data.store.take_waiting_checkins(user).await?;
    if items.is_empty() {
        return Ok(None);
    }
    let lines = lines(&data.cipher, &items, |_| None)?;
    let intro = if lines.len() > 1 {
        "It's check-in time for these plans. How did they go?"
    } else {
        "It's check-in time for this plan. How did it go?"
    };
    let answer = Answer {
        text: String::new(),
        embed: Some(render::checkin_embed("A check-in for you", intro, &lines)),
        components: render::checkin_buttons(&lines),
    };
    Ok(Some((answer, items.iter().map(|c| c.id).collect())))
}
