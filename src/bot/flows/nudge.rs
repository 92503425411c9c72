//! The nudge's "I tried this" button, and `/today`.

use super::membership::not_in_a_cohort;
use super::Answer;
use crate::bot::commands::support::timestamp;
use crate::bot::errors::user_error;
use crate::bot::render::{self, NudgeView};
use crate::bot::{Data, Error};
use crate::scheduler::planning::Timing;
use crate::store::Cohort;

pub const STALE: &str =
    "This button is no longer valid. `/today` shows your cohort's current prompt.";

/// The cohort a nudge's button belongs to, or the friendly `stale` error when the delivery or
/// its cohort is gone (an old message, a deleted cohort). Each button names its own way back.
pub async fn cohort_of_nudge(data: &Data, delivery: i64, stale: &str) -> Result<Cohort, Error> {
    let found = data
        .store
        .delivery(delivery)
        .await?
        .ok_or_else(|| user_error(stale))?;
    data.store
        .cohort(found.cohort_id)
        .await?
        .ok_or_else(|| user_error(stale))
}

/// Counts that `user` tried the nudge `delivery`: once per person per day.
pub async fn tried(data: &Data, user: u64, delivery: i64) -> Result<Answer, Error> {
    let cohort = cohort_of_nudge(data, delivery, STALE).await?;
    if !data.store.is_member(cohort.id, user).await? {
        return Ok(Answer::text(format!(
            "This prompt is for the **{}** cohort. Join it (`/join`) to count your practice.",
            cohort.name
        )));
    }
    if data
        .store
        .record_tried(delivery, cohort.id, user, data.clock.now())
        .await?
    {
        tracing::info!(
            cohort_id = cohort.id,
            delivery_id = delivery,
            user_id = user,
            "tried"
        );
        Ok(Answer::text(
            "Counted. Nice work! If something came up worth keeping, `/reflect` saves a private note, \
             and `/commit` turns it into a plan.",
        ))
    } else {
        Ok(Answer::text(
            "Already counted for this prompt. Thanks for practising!",
        ))
    }
}

/// `/today`: the person's cohort's most recent nudge, with its buttons.
pub async fn today(data: &Data, guild: u64, user: u64) -> Result<Answer, Error> {
    let Some(cohort) = data.store.current_cohort(guild, user).await? else {
        return Ok(not_in_a_cohort());
    };
    let Some(delivery) = data.store.latest_sent(cohort.id).await? else {
        let calendar = data.store.calendar(&cohort).await?;
        let timing = Timing {
            calendar: &calendar,
            time: cohort.send_time,
            zone: cohort.timezone,
        };
        let when = timing
            .next_due(data.clock.now())
            .map_or("soon".to_owned(), |(_, due)| timestamp(due, 'F'));
        return Ok(Answer::text(format!(
            "**{}** hasn't had a nudge yet. The first one arrives {when}.",
            cohort.name
        )));
    };
    let track = data
        .curriculum
        .track(&cohort.track)
        .ok_or_else(|| user_error(STALE))?;
    let (module, prompt) = track
        .prompt(&delivery.prompt_id)
        .ok_or_else(|| user_error(STALE))?;
    let view = NudgeView {
        track,
        stage: cohort.plan.stage(delivery.day_number, &cohort.pace),
        prompt_module: module,
        prompt,
        day: delivery.day_number,
        delivery: delivery.id,
        late_due: None,
    };
    Ok(Answer {
        text: format!(
            "Your latest prompt, from {}:",
            delivery.practice_date.format("%a %-d %b")
        ),
        embed: Some(render::nudge_embed(&view)),
        components: vec![render::nudge_buttons(delivery.id)],
    })
}
