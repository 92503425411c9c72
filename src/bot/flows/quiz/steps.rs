//! The buttons on a quiz: an answer, a 1-4 confidence rating, Next question / Finish. Each
//! answer is shown in place of the quiz message. Who clicked comes from the interaction and
//! must be the attempt's owner (from the database); every reference in the custom_id is checked
//! against the stored attempt. A refusal is an error, so it arrives as a separate ephemeral
//! message and the quiz message stays as it was.

use chrono::NaiveDate;

use super::{question_message, revisit, STALE};
use crate::bot::components::ComponentAction;
use crate::bot::errors::user_error;
use crate::bot::flows::Answer;
use crate::bot::render::{self, FeedbackView, Revisit, SummaryView};
use crate::bot::{Data, Error};
use crate::content::model::{QuizItem, Track};
use crate::domain::local_time::local_date;
use crate::domain::spacing::{self, Review};
use crate::domain::PracticeCalendar;
use crate::store::{NewAnswer, QuizAnswer, QuizAttempt, QuizQuestion, Rated, Recorded};

const NOT_YOURS: &str =
    "This quiz belongs to someone else, so nothing changed. Run `/quiz` to get one of your own.";
const ALREADY_ANSWERED: &str = "You've answered this one already; here's your answer again.";
const ALREADY_RATED: &str = "You rated this one already; your first rating stands.";

/// A quiz button pressed by `user`; the answer replaces the quiz message.
pub async fn on_button(data: &Data, user: u64, action: ComponentAction) -> Result<Answer, Error> {
    match action {
        ComponentAction::Answer {
            attempt,
            question,
            choice,
        } => answer(data, user, attempt, question, choice).await,
        ComponentAction::Confidence {
            attempt,
            question,
            level,
        } => rate(data, user, attempt, question, level).await,
        ComponentAction::NextQuestion { attempt } => next(data, user, attempt).await,
        _ => Err(user_error(STALE)),
    }
}

/// An attempt checked to belong to the person who clicked, with what rendering it needs.
struct Quiz<'a> {
    attempt: QuizAttempt,
    track: &'a Track,
    calendar: PracticeCalendar,
    today: NaiveDate,
    /// The question the button names, if it names one and the attempt has it.
    clicked: Option<QuizQuestion>,
}

/// One store read: the attempt, its cohort's calendar and the question at `position`.
async fn load(
    data: &Data,
    user: u64,
    attempt: i64,
    position: Option<u8>,
) -> Result<Quiz<'_>, Error> {
    let click = data
        .store
        .quiz_click(attempt, position)
        .await?
        .ok_or_else(|| user_error(STALE))?;
    if click.attempt.user_id != user {
        tracing::info!(
            attempt_id = click.attempt.id,
            user_id = user,
            "quiz button from someone else"
        );
        return Err(user_error(NOT_YOURS));
    }
    let track = data
        .curriculum
        .track(&click.attempt.track)
        .ok_or_else(|| user_error(STALE))?;
    Ok(Quiz {
        calendar: click.calendar,
        today: local_date(data.clock.now(), click.cohort.timezone),
        attempt: click.attempt,
        track,
        clicked: click.question,
    })
}

impl Quiz<'_> {
    /// The question the button names, with its curriculum item.
    fn clicked(&self) -> Result<(&QuizQuestion, &QuizItem), Error> {
        let question = self.clicked.as_ref().ok_or_else(|| user_error(STALE))?;
        Ok((question, self.item(question)?))
    }

    async fn question(
        &self,
        data: &Data,
        position: u8,
    ) -> Result<(QuizQuestion, &QuizItem), Error> {
        let question = data
            .store
            .quiz_question(self.attempt.id, position)
            .await?
            .ok_or_else(|| user_error(STALE))?;
        let item = self.item(&question)?;
        Ok((question, item))
    }

    fn item(&self, question: &QuizQuestion) -> Result<&QuizItem, Error> {
        self.track
            .quiz_item(&question.item_id)
            .map(|(_, item)| item)
            .filter(|item| item.options.len() == question.order.len())
            .ok_or_else(|| user_error(STALE))
    }

    /// Where the item stands after `answer` (with its rating, if given).
    fn review(&self, answer: &QuizAnswer) -> Review {
        spacing::after_answer(
            &self.calendar,
            answer.practice_date,
            answer.prior_step,
            answer.correct,
            answer.confidence,
        )
    }

    /// The feedback for a recorded answer, with an optional line above it.
    fn feedback(
        &self,
        question: &QuizQuestion,
        item: &QuizItem,
        answer: &QuizAnswer,
        note: &str,
    ) -> Result<Answer, Error> {
        let chosen = question
            .order
            .iter()
            .position(|original| *original == answer.choice)
            .ok_or_else(|| user_error(STALE))?;
        let revisit = if answer.correct && answer.confidence.is_none() {
            Revisit::AskRating
        } else {
            revisit(self.review(answer))
        };
        let (embed, components) = render::feedback(&FeedbackView {
            item,
            number: question.position + 1,
            total: self.attempt.question_count,
            order: &question.order,
            chosen,
            attempt: self.attempt.id,
            revisit,
            rated: answer.confidence,
        });
        Ok(Answer {
            text: note.to_owned(),
            embed: Some(embed),
            components,
        })
    }
}

async fn answer(
    data: &Data,
    user: u64,
    attempt: i64,
    position: u8,
    choice: u8,
) -> Result<Answer, Error> {
    let quiz = load(data, user, attempt, Some(position)).await?;
    let (question, item) = quiz.clicked()?;
    let Some(&original) = question.order.get(usize::from(choice)) else {
        // Only a forged button has a choice the question lacks. It gets the reply it always
        // got: the answer already given, else stale. Rare, so a read more is fine here.
        let answers = data.store.quiz_answers(attempt).await?;
        return match answers.iter().find(|a| a.position == position) {
            Some(done) => quiz.feedback(question, item, done, ALREADY_ANSWERED),
            None => Err(user_error(STALE)),
        };
    };
    let correct = item.options[original].correct;
    let today = quiz.today;
    // The write itself refuses a second click and a question out of order.
    let recorded = data
        .store
        .record_quiz_answer(
            &quiz.attempt,
            NewAnswer {
                question,
                choice: original,
                correct,
                practice_date: today,
                now: data.clock.now(),
            },
            |prior| spacing::after_answer(&quiz.calendar, today, prior, correct, None),
        )
        .await?;
    match recorded {
        Recorded::New(answer) => {
            tracing::info!(attempt_id = attempt, position, "quiz answer recorded");
            quiz.feedback(question, item, &answer, "")
        }
        Recorded::Already(answer) => quiz.feedback(question, item, &answer, ALREADY_ANSWERED),
        // A question the quiz has not reached: only a forged id points there.
        Recorded::OutOfOrder => Err(user_error(STALE)),
    }
}

async fn rate(
    data: &Data,
    user: u64,
    attempt: i64,
    position: u8,
    level: u8,
) -> Result<Answer, Error> {
    let quiz = load(data, user, attempt, Some(position)).await?;
    let (question, item) = quiz.clicked()?;
    let rated = data
        .store
        .rate_quiz_answer(&quiz.attempt, position, level, data.clock.now(), |answer| {
            quiz.review(answer)
        })
        .await?;
    match rated {
        Rated::New(answer) => {
            tracing::info!(attempt_id = attempt, position, "quiz answer rated");
            quiz.feedback(question, item, &answer, "")
        }
        Rated::Already(answer) => quiz.feedback(question, item, &answer, ALREADY_RATED),
        Rated::Unanswered => Err(user_error(STALE)),
    }
}

/// Next question, or the summary once every question is answered.
async fn next(data: &Data, user: u64, attempt: i64) -> Result<Answer, Error> {
    let quiz = load(data, user, attempt, None).await?;
    let answers = data.store.quiz_answers(attempt).await?;
    let total = quiz.attempt.question_count;
    if answers.len() < usize::from(total) {
        let (question, _) = quiz.question(data, answers.len() as u8).await?;
        let (embed, components) = question_message(quiz.track, attempt, &question, total)?;
        return Ok(Answer {
            text: String::new(),
            embed: Some(embed),
            components,
        });
    }
    data.store.finish_quiz(attempt, data.clock.now()).await?;
    tracing::info!(attempt_id = attempt, "quiz finished");
    Ok(Answer {
        text: String::new(),
        embed: Some(render::quiz_summary(&summary(&quiz, &answers))),
        components: Vec::new(),
    })
}

fn summary(quiz: &Quiz<'_>, answers: &[QuizAnswer]) -> SummaryView {
    let reviews: Vec<Review> = answers.iter().map(|a| quiz.review(a)).collect();
    let first_back = reviews
        .iter()
        .filter(|r| matches!(r, Review::Scheduled { .. }))
        .min_by_key(|r| match r {
            Review::Scheduled { due, .. } => *due,
            Review::Retired => NaiveDate::MAX,
        })
        .map(|r| revisit(*r));
    SummaryView {
        best: answers.iter().filter(|a| a.correct).count(),
        total: answers.len(),
        coming_back: reviews
            .iter()
            .filter(|r| matches!(r, Review::Scheduled { .. }))
            .count(),
        first_back: match first_back {
            Some(Revisit::Back(when)) => Some(when),
            _ => None,
        },
        retired: reviews.iter().filter(|r| **r == Review::Retired).count(),
    }
}
