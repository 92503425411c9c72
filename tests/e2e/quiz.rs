//! Quizzes end to end: `/quiz` and the nudge's Quiz me, answered by buttons, with spaced
//! re-asking over practice days, owner-only answers, double clicks and restarts.

use std::time::Duration;

use allybot::sim::{Reply, SimError};

use crate::cohorts::with_cohort;
use crate::harness::at;
use crate::quizzer::{attempt_of, description, forged_message, member_of_cohort_starting, Quizzer};

#[tokio::test]
async fn a_participant_takes_a_three_question_quiz_by_buttons_and_sees_explanations_and_sources() {
    let (harness, member) = member_of_cohort_starting("2026-11-23").await;
    let quizzer = Quizzer::new(&harness, member);

    let first = quizzer.start(&[]).await;
    assert!(first.text().contains("Question 1 of 3"), "{}", first.text());
    assert!(
        first.text().contains("Module 1 ·"),
        "day 1 asks from module 1"
    );
    let item = quizzer.item(&first).clone();
    for letter in ["A", "B", "C", "D"].iter().take(item.options.len()) {
        assert!(
            first.button(letter).is_some(),
            "a lettered button per option"
        );
    }
    assert_eq!(first.buttons().len(), item.options.len(), "and no more");
    let missed = quizzer.answer(&first, false).await;
    let text = missed.text();
    assert!(
        text.contains("A common choice, and here is a better one · 1 of 3"),
        "{text}"
    );
    assert!(text.contains("**The best answer is"), "{text}");
    let best = item.options.iter().find(|o| o.correct).unwrap();
    assert!(
        text.contains(best.explanation.trim()),
        "the best option's explanation"
    );
    assert!(
        text.contains(&format!("Source: {}", item.sources.join("; "))),
        "{text}"
    );
    assert!(
        text.contains("comes back in 1 practice day, on Tue 24 Nov"),
        "{text}"
    );
    assert!(missed.button("4 · Certain").is_some() && missed.button("Next question").is_some());

    let rated = quizzer.step(&missed, "2 · Unsure").await;
    assert!(
        rated.text().contains("You rated this **2 · Unsure**"),
        "{}",
        rated.text()
    );
    assert!(rated.button("2 · Unsure").is_none(), "rated once");

    let second = quizzer.step(&rated, "Next question").await;
    assert!(
        second.text().contains("Question 2 of 3"),
        "{}",
        second.text()
    );
    let right = quizzer.answer(&second, true).await;
    assert!(
        right.text().contains("That's the best answer · 2 of 3"),
        "{}",
        right.text()
    );
    assert!(
        right.text().contains("3 or 4 retires this one"),
        "{}",
        right.text()
    );
    let sure = quizzer.step(&right, "4 · Certain").await;
    assert!(
        sure.text().contains("this one is retired"),
        "{}",
        sure.text()
    );

    let third = quizzer.step(&sure, "Next question").await;
    let last = quizzer.answer(&third, true).await;
    let summary = quizzer.step(&last, "Finish").await;

    let text = summary.text();
    assert!(text.contains("Quiz done: 2 of 3 best answers"), "{text}");
    assert!(
        text.contains("2 items come back for a quick review, the first in 1 practice day"),
        "{text}"
    );
    assert!(text.contains("1 item retired"), "{text}");
    assert!(summary.buttons().is_empty());
    let progress = harness.bot().store().quiz_progress(member).await.unwrap();
    assert_eq!(progress.quizzes_taken, 1);
    assert_eq!(progress.modules[0].module, 1);
    assert_eq!(
        (progress.modules[0].answered, progress.modules[0].best),
        (3, 2)
    );
}

#[tokio::test]
async fn a_missed_item_comes_back_after_one_then_three_practice_days_and_retires_when_sure() {
    // Day 1 is Thursday 26 November; the weekend falls between days 2 and 3.
    let (harness, member) = member_of_cohort_starting("2026-11-26").await;
    let quizzer = Quizzer::new(&harness, member);
    let first_asked = |message: &allybot::sim::SimMessage| quizzer.item(message).id.clone();

    harness.clock.set(at("2026-11-26T10:00:00Z"));
    let day1 = quizzer.start(&[]).await;
    let missed = first_asked(&day1);
    let feedback = quizzer.answer(&day1, false).await;
    assert!(
        feedback
            .text()
            .contains("comes back in 1 practice day, on Fri 27 Nov"),
        "{}",
        feedback.text()
    );

    harness.clock.set(at("2026-11-27T10:00:00Z"));
    let day2 = quizzer.start(&[]).await;
    assert_eq!(first_asked(&day2), missed, "due items come first");
    assert!(
        day2.text().contains("Question 1 of 3 · back for review"),
        "{}",
        day2.text()
    );
    let right = quizzer.answer(&day2, true).await;
    let unsure = quizzer.step(&right, "1 · Guessing").await;
    assert!(
        unsure
            .text()
            .contains("comes back in 3 practice days, on Wed 2 Dec"),
        "practice days, not calendar days: {}",
        unsure.text()
    );

    for not_yet in ["2026-11-28", "2026-11-30", "2026-12-01"] {
        harness.clock.set(at(&format!("{not_yet}T10:00:00Z")));
        let quiz = quizzer.start(&[]).await;
        assert_ne!(first_asked(&quiz), missed, "not due on {not_yet}");
        assert!(
            !quiz.text().contains("back for review"),
            "{not_yet}: {}",
            quiz.text()
        );
    }

    harness.clock.set(at("2026-12-02T10:00:00Z"));
    let day5 = quizzer.start(&[]).await;
    assert_eq!(first_asked(&day5), missed);
    let right = quizzer.answer(&day5, true).await;
    let sure = quizzer.step(&right, "3 · Fairly sure").await;
    assert!(
        sure.text().contains("this one is retired"),
        "{}",
        sure.text()
    );

    harness.clock.set(at("2026-12-03T10:00:00Z"));
    let day6 = quizzer.start(&[]).await;
    assert_ne!(first_asked(&day6), missed, "retired");
    let due = harness
        .bot()
        .store()
        .quiz_due_next(member, 10)
        .await
        .unwrap();
    assert!(due.iter().all(|d| d.item_id != missed), "{due:?}");
}

#[tokio::test]
async fn quiz_with_a_module_only_asks_from_that_module() {
    let (harness, member) = member_of_cohort_starting("2026-11-23").await;
    let quizzer = Quizzer::new(&harness, member);

    let mut message = quizzer.start(&[("module", "4")]).await;
    assert!(
        message.text().contains("from module 4"),
        "{}",
        message.text()
    );
    for number in 1..=3 {
        assert!(
            message.text().contains("Module 4 ·"),
            "question {number}: {}",
            message.text()
        );
        let feedback = quizzer.answer(&message, number % 2 == 0).await;
        let label = if number == 3 {
            "Finish"
        } else {
            "Next question"
        };
        message = quizzer.step(&feedback, label).await;
    }

    let out_of_range = harness
        .sim
        .slash(harness.in_general(member), "quiz", &[("module", "8")]);
    assert!(
        matches!(out_of_range, Err(SimError::InvalidOption { .. })),
        "registered with min 1 and max 7"
    );
}

#[tokio::test]
async fn another_user_cannot_answer_someones_quiz() {
    let (harness, member) = member_of_cohort_starting("2026-11-23").await;
    let other = harness.add_member("Bo");
    harness.command(other, "join", &[("cohort", "Blue")]).await;
    let quizzer = Quizzer::new(&harness, member);
    let quiz = quizzer.start(&[]).await;
    let answer_id = quiz.button("A").unwrap().custom_id;
    // The quiz is ephemeral; a copy of its button on a shared message is the only way to try.
    let copy = forged_message(&harness, &[("A", &answer_id)]).await;

    let refused = harness.press(other, copy, &answer_id).await;

    assert!(matches!(refused, Reply::Message(_)), "a separate reply");
    assert!(refused.message().ephemeral);
    assert!(
        refused.text().contains("belongs to someone else"),
        "{}",
        refused.text()
    );
    let store = harness.bot().store();
    assert!(store
        .quiz_answers(attempt_of(&quiz))
        .await
        .unwrap()
        .is_empty());
    let unchanged = harness.sim.message(quiz.id).unwrap();
    assert!(unchanged.text().contains("Question 1 of 3"));
    let own = quizzer.answer(&quiz, true).await;
    assert!(
        own.text().contains("That's the best answer"),
        "{}",
        own.text()
    );
}

#[tokio::test]
async fn a_double_click_records_one_answer() {
    let (harness, member) = member_of_cohort_starting("2026-11-23").await;
    let quizzer = Quizzer::new(&harness, member);
    let quiz = quizzer.start(&[]).await;
    let (a, b) = (quiz.button("A").unwrap(), quiz.button("B").unwrap());

    // Both clicks reach the bot before either is answered.
    let first = harness.sim.click(member, quiz.id, &a.custom_id).unwrap();
    let second = harness.sim.click(member, quiz.id, &b.custom_id).unwrap();
    for handle in [first, second] {
        assert!(matches!(handle.reply().await.unwrap(), Reply::Updated(_)));
    }

    let store = harness.bot().store();
    let attempt = attempt_of(&quiz);
    let answers = store.quiz_answers(attempt).await.unwrap();
    assert_eq!(answers.len(), 1);
    let order = store
        .quiz_question(attempt, 0)
        .await
        .unwrap()
        .unwrap()
        .order;
    let shown = order.iter().position(|o| *o == answers[0].choice).unwrap();
    let letter = ["A", "B", "C", "D"][shown];
    let feedback = harness.sim.message(quiz.id).unwrap();
    assert!(
        feedback.text().contains(&format!("You chose {letter}.")),
        "the quiz shows the one recorded answer: {}",
        feedback.text()
    );
}

#[tokio::test]
async fn a_quiz_started_before_a_restart_can_be_finished_after_it() {
    let (mut harness, member) = member_of_cohort_starting("2026-11-23").await;
    let quiz = {
        let quizzer = Quizzer::new(&harness, member);
        let quiz = quizzer.start(&[]).await;
        quizzer.answer(&quiz, true).await
    };

    harness.restart().await;

    let quizzer = Quizzer::new(&harness, member);
    let mut message = quizzer.step(&quiz, "Next question").await;
    assert!(
        message.text().contains("Question 2 of 3"),
        "{}",
        message.text()
    );
    for label in ["Next question", "Finish"] {
        let feedback = quizzer.answer(&message, true).await;
        message = quizzer.step(&feedback, label).await;
    }
    assert!(
        message.text().contains("Quiz done: 3 of 3 best answers"),
        "{}",
        message.text()
    );
}

#[tokio::test]
async fn quiz_me_on_a_nudge_starts_a_quiz() {
    let (harness, channel) = with_cohort(&[("time", "09:00"), ("timezone", "UTC")]).await;
    let member = harness.add_member("Cruz");
    let stranger = harness.add_member("Dee");
    harness.command(member, "join", &[("cohort", "Blue")]).await;
    harness.clock.set(at("2026-11-23T09:00:00Z"));
    harness.bot().scheduler().settle().await;
    let nudge = harness
        .sim
        .channel_messages(channel)
        .into_iter()
        .find(|m| m.button("Quiz me").is_some())
        .expect("a nudge");
    let quiz_me = nudge.button("Quiz me").unwrap().custom_id;

    let started = harness.press(member, nudge.id, &quiz_me).await;
    let not_joined = harness.press(stranger, nudge.id, &quiz_me).await;

    assert!(
        matches!(started, Reply::Message(_)),
        "a new message, not an edit of the nudge"
    );
    assert!(started.message().ephemeral);
    assert!(
        started.text().contains("Question 1 of 3"),
        "{}",
        started.text()
    );
    let quizzer = Quizzer::new(&harness, member);
    let feedback = quizzer.answer(started.message(), true).await;
    assert!(feedback.text().contains("That's the best answer"));
    assert!(
        not_joined.text().contains("`/join`"),
        "{}",
        not_joined.text()
    );
    let nudge_after = harness.sim.message(nudge.id).unwrap();
    assert_eq!(
        nudge_after.embeds, nudge.embeds,
        "the nudge itself is untouched"
    );
}

#[tokio::test]
async fn a_forged_answer_id_is_refused_and_changes_nothing() {
    let (harness, member) = member_of_cohort_starting("2026-11-23").await;
    let quizzer = Quizzer::new(&harness, member);
    let quiz = quizzer.start(&[]).await;
    let attempt = attempt_of(&quiz);
    let ahead = format!("qa:{attempt}:2:0");
    let forged = forged_message(
        &harness,
        &[
            ("X", "qa:999999:0:0"),
            ("Y", &ahead),
            ("Z", &format!("qc:{attempt}:0:4")),
        ],
    )
    .await;

    for custom_id in [
        "qa:999999:0:0",
        ahead.as_str(),
        &format!("qc:{attempt}:0:4"),
    ] {
        let reply = harness
            .sim
            .click(member, forged, custom_id)
            .unwrap()
            .reply_within(Duration::from_secs(5))
            .await
            .unwrap();
        assert!(
            reply.text().contains("no longer valid"),
            "{custom_id}: {}",
            reply.text()
        );
    }
    let answers = harness.bot().store().quiz_answers(attempt).await.unwrap();
    assert!(answers.is_empty());
}

#[tokio::test]
async fn someone_in_no_cohort_is_told_how_to_join() {
    let (harness, _) = member_of_cohort_starting("2026-11-23").await;
    let newcomer = harness.add_member("Eli");

    let reply = harness.command(newcomer, "quiz", &[]).await;

    assert!(reply.message().ephemeral);
    assert!(reply.text().contains("Run `/join`"), "{}", reply.text());
    assert!(description_is_absent(reply.message()));
}

fn description_is_absent(message: &allybot::sim::SimMessage) -> bool {
    message.embeds.is_empty() || description(message).is_empty()
}
