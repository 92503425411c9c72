//! Quizzes. `/quiz [module]` and the nudge's Quiz me both start a quiz through [`start_in`]:
//! questions from the person's cohort's track (on an open-ended program, from every module it
//! draws from; `module:N` then names one of those by its number), chosen by the pure rules of
//! [`crate::domain::quiz`] and fixed in the database with their option order, so every button
//! on the quiz keeps working after a restart. The buttons themselves are handled in [`steps`].

mod steps;

use crate::domain::local_time::local_date;
use poise::serenity_prelude as serenity;
use rand::rngs::StdRng;
use rand::SeedableRng;

pub use steps::on_button;

use super::membership::not_in_a_cohort;
use super::Answer;
use crate::bot::errors::user_error;
use crate::bot::render::{self, QuestionView, Revisit};
use crate::bot::{Data, Error};
use crate::content::model::Track;
use crate::domain::plural;
use crate::domain::quiz::{self, Candidate};
use crate::domain::spacing::Review;
use crate::store::{Cohort, NewQuiz, QuizQuestion, QuizSource};

pub const STALE: &str = "This button is no longer valid. Run `/quiz` for a fresh quiz.";
const NO_TRACK: &str =
    "Your cohort's track isn't available right now, so there's no quiz to give. Please tell an admin.";

/// `/quiz`: a quiz for `user`'s cohort in this guild, from `module` or the modules reached.
pub async fn start(
    data: &Data,
    guild: u64,
    user: u64,
    module: Option<u8>,
) -> Result<Answer, Error> {
    let Some(cohort) = data.store.current_cohort(guild, user).await? else {
        return Ok(not_in_a_cohort());
    };
    start_in(data, user, &cohort, module, QuizSource::Command).await
}

/// Quiz me on the nudge `delivery`: the same quiz, for a member of the nudge's cohort.
pub async fn from_nudge(data: &Data, user: u64, delivery: i64) -> Result<Answer, Error> {
    let cohort = super::nudge::cohort_of_nudge(data, delivery, STALE).await?;
    if !data.store.is_member(cohort.id, user).await? {
        if data
            .store
            .membership(cohort.guild_id, user)
            .await?
            .is_none()
        {
            return Ok(not_in_a_cohort());
        }
        return Ok(Answer::text(format!(
            "This prompt is for the **{}** cohort. `/quiz` gives you a quiz from your own.",
            cohort.name
        )));
    }
    start_in(data, user, &cohort, None, QuizSource::Nudge).await
}

/// The shared core: picks the questions, stores the attempt, shows the first question.
async fn start_in(
    data: &Data,
    user: u64,
    cohort: &Cohort,
    module: Option<u8>,
    source: QuizSource,
) -> Result<Answer, Error> {
    let track = data
        .curriculum
        .track(&cohort.track)
        .ok_or_else(|| user_error(NO_TRACK))?;
    let now = data.clock.now();
    let today = local_date(now, cohort.timezone);
    let calendar = data.store.calendar(cohort).await?;
    let stage = cohort
        .plan
        .stage(quiz::current_day(&calendar, today), &cohort.pace);
    let numbers: Vec<u8> = track.modules.iter().map(|m| m.number).collect();
    if let Some(asked) = module.filter(|m| track.is_open() && !numbers.contains(m)) {
        return Ok(Answer::text(not_drawn_from(track, asked)));
    }
    let modules = quiz::modules_for(stage, module, &numbers);
    let candidates: Vec<Candidate<'_>> = track
        .modules
        .iter()
        .filter(|m| modules.contains(&m.number))
        .flat_map(|m| {
            m.quiz.iter().map(|q| Candidate {
                id: &q.id,
                module: m.number,
            })
        })
        .collect();
    if candidates.is_empty() {
        return Ok(Answer::text(match module {
            Some(m) => {
                format!("Module {m} has no quiz questions yet. Try `/quiz` without a module.")
            }
            None => {
                "There are no quiz questions for your cohort yet. Check back after the next nudge."
                    .to_owned()
            }
        }));
    }
    let reviews = data.store.quiz_reviews(user, &track.id).await?;
    let started_before = data.store.quizzes_started(user).await?;
    let seed = quiz::seed(user, now.timestamp(), started_before);
    let mut rng = StdRng::seed_from_u64(seed);
    let count = data.settings.quiz.questions as usize;
    let questions: Vec<QuizQuestion> = quiz::pick(&candidates, &reviews, today, count, &mut rng)
        .into_iter()
        .filter_map(|picked| {
            let (_, item) = track.quiz_item(&picked.id)?;
            Some((picked, quiz::option_order(item.options.len(), &mut rng)))
        })
        .enumerate()
        .map(|(position, (picked, order))| QuizQuestion {
            position: position as u8,
            item_id: picked.id,
            module: picked.module,
            order,
            review: picked.review,
        })
        .collect();
    let Some(first) = questions.first() else {
        return Err(user_error(STALE));
    };
    let attempt = data
        .store
        .start_quiz(
            NewQuiz {
                user_id: user,
                guild_id: cohort.guild_id,
                cohort_id: cohort.id,
                track: &track.id,
                module,
                seed,
                source,
                questions: &questions,
            },
            now,
        )
        .await?;
    tracing::info!(
        attempt_id = attempt,
        user_id = user,
        cohort_id = cohort.id,
        questions = questions.len(),
        "quiz started"
    );
    let (embed, components) = question_message(track, attempt, first, questions.len() as u8)?;
    Ok(Answer {
        text: intro(track, &modules, &questions),
        embed: Some(embed),
        components,
    })
}

/// `/quiz module:N` on an open-ended program names one of the modules it draws from, by the
/// number it has in its own track; any other number gets the list.
fn not_drawn_from(track: &Track, asked: u8) -> String {
    let choices: Vec<String> = track
        .modules
        .iter()
        .map(|m| format!("`/quiz module:{}` ({})", m.number, m.title))
        .collect();
    format!(
        "{} draws from {}, so there's no module {asked} to quiz you on. Try {}, or `/quiz` for all of them.",
        track.title,
        plural::count(track.modules.len() as u64, "module", "modules"),
        choices.join(", ")
    )
}

fn intro(track: &Track, modules: &[u8], questions: &[QuizQuestion]) -> String {
    let from = match modules {
        [only] => format!("module {only}"),
        _ if track.is_open() => track.title.clone(),
        [first, .., last] => format!("modules {first}–{last}"),
        [] => "your track".to_owned(),
    };
    let count = questions.len();
    let reviews = questions.iter().filter(|q| q.review).count();
    let mut text = format!(
        "A quick quiz from {from}: {count} question{}, one at a time.",
        if count == 1 { "" } else { "s" }
    );
    if reviews > 0 {
        text.push_str(&format!(
            " {reviews} {} back for review.",
            if reviews == 1 { "is" } else { "are" }
        ));
    }
    text
}

/// A question of attempt `attempt`, as shown.
pub(crate) fn question_message(
    track: &Track,
    attempt: i64,
    question: &QuizQuestion,
    total: u8,
) -> Result<(serenity::CreateEmbed, Vec<serenity::CreateActionRow>), Error> {
    let (module, item) = track
        .quiz_item(&question.item_id)
        .filter(|(_, item)| item.options.len() == question.order.len())
        .ok_or_else(|| user_error(STALE))?;
    Ok(render::question(&QuestionView {
        item,
        module,
        number: question.position + 1,
        total,
        order: &question.order,
        attempt,
        review: question.review,
    }))
}

/// When an item comes back, in words: practice days, and the date.
fn revisit(review: Review) -> Revisit {
    match (review, review.interval()) {
        (Review::Scheduled { due, .. }, Some(days)) => Revisit::Back(format!(
            "in {days} practice day{}, on {}",
            if days == 1 { "" } else { "s" },
            due.format("%a %-d %b")
        )),
        _ => Revisit::Retired,
    }
}
