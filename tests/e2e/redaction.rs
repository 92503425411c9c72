//! What reaches the logs when an interaction's HTTP call fails: the error, never the
//! interaction's token (it is in the URL of every callback and followup).

use allybot::sim::{Fault, FaultKind};
use axum::http::Method;

use crate::commit_support::{cohort_with_member, commit, local, settle_at, WAIT};
use crate::log_capture::Logs;

#[tokio::test]
async fn a_followup_that_fails_is_logged_without_the_interactions_token() {
    let logs = Logs::capture();
    let (harness, user, _) = cohort_with_member("Bo").await;
    harness.sim.set_dms_open(user, false);
    commit(
        &harness,
        user,
        "I book a meeting",
        "rotate who takes notes",
        "1",
    )
    .await;
    settle_at(
        &harness,
        local("2026-11-24", "09:00", chrono_tz::America::New_York),
    )
    .await;
    // The followup that would show the waiting check-in fails, with an error that echoes its
    // URL (as a proxy in front of Discord may): the URL holds the interaction's token.
    harness.sim.inject(Fault::new(
        Some(Method::POST),
        "/webhooks/",
        1,
        FaultKind::Error {
            status: 502,
            code: 0,
            message: "upstream failed for POST {path}".into(),
        },
    ));

    let next = harness
        .sim
        .slash(harness.in_general(user), "about", &[])
        .unwrap();
    next.reply().await.unwrap();

    assert!(
        logs.wait_for("could not show waiting check-ins", WAIT)
            .await,
        "the failure is logged: {}",
        logs.text()
    );
    let token = next.token();
    assert!(token.len() > 8, "{token}");
    let text = logs.text();
    assert!(
        text.contains("/webhooks/"),
        "the error itself is kept: {text}"
    );
    assert!(
        !text.contains(&token),
        "the token leaked into the log: {text}"
    );
}
