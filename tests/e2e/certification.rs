//! Issue 12's "done when", through the simulator: a cohort of six on the shortened test track,
//! criteria met by some and not others with `/progress` right for each, a certificate that
//! decodes as PNG and verifies by code, the action plan proposed, voted on with and without k
//! voters, owned with and without a name, published once across a crashed claim and a restart,
//! followed up on its date after its cohort was archived, the summary showing completions and
//! the plan k-anonymously, and the export and delete of proposals, votes, ownerships and
//! certificates.

use std::time::Duration;

use allybot::clock::Clock;
use allybot::domain::cert_code::CertCode;
use allybot::scheduler::leadership::LEADER_LEASE;
use allybot::sim::{Fault, FaultKind, Gate, SimMessage};
use allybot::store::{Lease, LeaseOwner};
use axum::http::Method;

use crate::cert_support::{world, World, WAIT};
use crate::harness::{allybot, at};

/// The verification code in a certificate answer ("Verification code: **XXXX-…**").
fn code_in(text: &str) -> String {
    let start = text.find("Verification code: **").expect("a code") + 21;
    text[start..start + 19].to_owned()
}

/// Ada does everything a module asks on its first practice day, then on module 3's day the
/// commitments and a proposal; Bea the same but skips module 2's reflection.
async fn practise(w: &World, ada: u64, bea: u64, cy: u64) {
    for day in [1, 3, 5] {
        let nudge = w.day(day).await;
        for user in [ada, bea] {
            w.tried(user, &nudge).await;
            if !(user == bea && day == 3) {
                w.reflect(user, &nudge).await;
            }
        }
        if day == 1 {
            w.tried(cy, &nudge).await;
        }
    }
    for user in [ada, bea] {
        w.pass_quiz(user, 1).await;
        w.pass_quiz(user, 2).await;
        w.commit_and_check_in(user).await;
        w.commit_and_check_in(user).await;
    }
}

async fn certificate(w: &World, ada: u64) -> (String, SimMessage) {
    let sim = &w.harness.sim;
    let notices = sim.wait_for_dms(ada, 1, WAIT).await;
    let notice = notices
        .iter()
        .find(|m| m.button("Get my certificate").is_some())
        .expect("a completion notice by DM");
    assert!(
        notice.text().contains("Certified Allyship Test Program"),
        "{}",
        notice.text()
    );
    let button = notice.button("Get my certificate").unwrap().custom_id;
    let opened = sim.click(ada, notice.id, &button).unwrap();
    let form = opened.reply().await.unwrap();
    assert!(form.modal().inputs.iter().any(|i| i.custom_id == "name"));
    // A name that is too long is handed back whole.
    let long = "L".repeat(65);
    let refused = sim.submit_modal(&opened, &[("name", &long)]);
    assert!(refused.is_err(), "the form itself caps the name at 64");
    let issued = sim
        .submit_modal(&opened, &[("name", "Ada Lovelace")])
        .unwrap()
        .reply_within(WAIT)
        .await
        .unwrap();
    let message = issued.message().clone();
    (code_in(&message.text()), message)
}

#[tokio::test]
async fn six_people_through_a_shortened_track_to_certificates_and_a_published_plan() {
    let mut w = world().await;
    let ada = w.member("Ada Discordname").await;
    let bea = w.member("Bea Discordname").await;
    let cy = w.member("Cy Discordname").await;
    let dev = w.member("Dev Discordname").await;
    let eli = w.member("Eli Discordname").await;
    let fay = w.member("Fay Discordname").await;
    let outsider = w.harness.add_member("Outsider");

    practise(&w, ada, bea, cy).await;
    // Module 3 (the project): the plan opens on the first proposal.
    let anonymous = w
        .propose(
            ada,
            &[
                (
                    "what",
                    "Meeting notes rotate, so the same people don't always take them",
                ),
                ("who", "Whoever is usually handed the notes"),
                ("step", "Put a rota in the team calendar"),
                ("date", "2026-12-04"),
            ],
        )
        .await;
    assert!(
        anonymous.text().contains("Proposal 1"),
        "{}",
        anonymous.text()
    );
    assert!(anonymous.text().contains("anonymously"));
    let named = w
        .propose(
            bea,
            &[
                ("what", "Credit ideas by name in the weekly update"),
                ("who", "People whose ideas get repeated by others"),
                ("step", "Add a credits line to the template"),
                ("date", "2026-12-11"),
                ("name", "Bea B."),
            ],
        )
        .await;
    assert!(
        named.text().contains("named as **Bea B.**"),
        "{}",
        named.text()
    );

    // /progress: Ada has met everything, Bea has one reflection left in module 2, Cy most.
    let (ada_progress, _) = w.certification(ada).await;
    assert!(
        ada_progress.contains("Completed on 27 Nov 2026"),
        "{ada_progress}"
    );
    let (bea_progress, bea_reply) = w.certification(bea).await;
    assert!(
        bea_progress.contains("2 of 3 modules met"),
        "{bea_progress}"
    );
    assert!(
        bea_progress.contains("Module 2: 1 more reflection to go"),
        "{bea_progress}"
    );
    let (cy_progress, _) = w.certification(cy).await;
    assert!(cy_progress.contains("0 of 3 modules met"), "{cy_progress}");
    assert!(
        cy_progress.contains(
            "Module 1: 2 more quiz questions with the best answer, 1 more reflection to go"
        ),
        "{cy_progress}"
    );
    assert!(
        cy_progress.contains("2 more commitments with a check-in answered"),
        "{cy_progress}"
    );

    // Ada's certificate: a PNG with a code that verifies, in the command and the CLI.
    let (code, issued) = certificate(&w, ada).await;
    let (name, png) = issued
        .attachments
        .first()
        .expect("the certificate attached");
    assert_eq!(name, "certificate.png");
    let image = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .expect("the certificate decodes as PNG");
    assert_eq!((image.width(), image.height()), (1400, 990));
    let verified = w
        .harness
        .command(cy, "certificate verify", &[("code", &code)])
        .await;
    assert!(verified.text().contains("genuine certificate: **Certified Allyship Test Program**, completed on 27 November 2026"), "{}", verified.text());
    assert!(!verified.text().contains("Ada"), "nothing about the person");
    let unknown = CertCode::generate(&mut rand::rng()).to_string();
    let not_ours = w
        .harness
        .command(cy, "certificate verify", &[("code", &unknown)])
        .await;
    assert!(
        not_ours.text().contains("is not a certificate issued here"),
        "{}",
        not_ours.text()
    );
    let mut typo = code.clone().into_bytes();
    typo[0] = if typo[0] == b'A' { b'B' } else { b'A' };
    let typo = String::from_utf8(typo).unwrap();
    let mistyped = w
        .harness
        .command(cy, "certificate verify", &[("code", &typo)])
        .await;
    assert!(
        mistyped.text().contains("typing mistake"),
        "{}",
        mistyped.text()
    );
    let cli = allybot()
        .args(["verify", &code])
        .env("ALLYBOT__DATABASE__URL", w.harness.database_url())
        .env("ALLYBOT__CONTENT__DIR", "tests/fixtures/cert-track")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&cli.stdout);
    assert!(
        cli.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert_eq!(
        said.trim(),
        format!("{code}: genuine · Certified Allyship Test Program · completed 2026-11-27")
    );
    let cli = allybot()
        .args(["verify", &unknown])
        .env("ALLYBOT__DATABASE__URL", w.harness.database_url())
        .output()
        .unwrap();
    assert_eq!(cli.status.code(), Some(1));

    // Sharing is opt-in: nothing names Ada until she presses Share, then her chosen name.
    let everything = || {
        w.harness
            .sim
            .channel_messages(w.nudges)
            .iter()
            .chain(w.harness.sim.channel_messages(w.summaries).iter())
            .map(SimMessage::text)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(!everything().contains("Ada Lovelace"));
    let shared = w
        .press_on(ada, &issued, "Share in my cohort's channel")
        .await;
    assert!(shared.text().contains("Shared in"), "{}", shared.text());
    assert!(everything()
        .contains("🎉 **Ada Lovelace** completed the **Certified Allyship Test Program**"));
    assert!(
        !everything().contains("Discordname"),
        "no member-list name in a shared channel"
    );

    // Bea catches up after the cohort moved on: the Reflect button in /progress.
    let catch_up = bea_reply
        .message()
        .button("Reflect on module 2")
        .expect("a catch-up button");
    w.reflect_by(bea, bea_reply.message().id, &catch_up.custom_id)
        .await;
    let (bea_progress, _) = w.certification(bea).await;
    assert!(
        bea_progress.contains("Completed on 27 Nov 2026"),
        "{bea_progress}"
    );

    // Votes: tallies stay hidden until k = 5 people voted; a vote can change.
    for user in [cy, dev, eli, fay] {
        let reply = w.press_on(user, &w.proposal(1), "Support").await;
        assert!(
            reply
                .text()
                .contains("Your vote on Proposal 1: **Support**"),
            "{}",
            reply.text()
        );
    }
    assert!(w
        .proposal(1)
        .text()
        .contains("The tally shows once 5 people have voted."));
    let refused = w.press_on(outsider, &w.proposal(1), "Support").await;
    assert!(
        refused.text().contains("only its members take part"),
        "{}",
        refused.text()
    );
    w.press_on(ada, &w.proposal(1), "Not for now").await;
    w.proposal_showing(1, "Support 4 · Not for now 1").await;
    let changed = w.press_on(ada, &w.proposal(1), "Support").await;
    assert!(changed.text().contains("Changed"), "{}", changed.text());
    w.proposal_showing(1, "Support 5 · Not for now 0").await;
    let by_command = w
        .harness
        .command(cy, "plan vote", &[("proposal", "2"), ("choice", "support")])
        .await;
    assert!(
        by_command.text().contains("Proposal 2"),
        "{}",
        by_command.text()
    );
    w.harness
        .command(
            bea,
            "plan vote",
            &[("proposal", "2"), ("choice", "support")],
        )
        .await;
    assert!(w
        .proposal(2)
        .text()
        .contains("The tally shows once 5 people have voted."));

    // Owners: named only with the name they give.
    let named_owner = w.volunteer(dev, 1, "Dev D.").await;
    assert!(
        named_owner.text().contains("named as **Dev D.**"),
        "{}",
        named_owner.text()
    );
    w.volunteer(eli, 1, "").await;
    assert!(
        w.proposal(1).text().contains("Dev D., 1 more not named"),
        "{}",
        w.proposal(1).text()
    );
    assert!(w.proposal(2).text().contains("Looking for an owner"));
    assert!(w.proposal(2).text().contains("Bea B."));
    assert!(!w.proposal(1).text().contains("Discordname"));

    // Publish, with the plan's post held in flight while another worker takes the claim over
    // (a crash after the post, before its record), then a restart: posted exactly once.
    let gate = Gate::new();
    w.harness.sim.inject(Fault::new(
        Some(Method::POST),
        format!("/channels/{}/messages", w.summaries),
        1,
        FaultKind::Held {
            gate: gate.clone(),
            then: Box::new(FaultKind::Delay(Duration::ZERO)),
        },
    ));
    let published = w
        .harness
        .command(
            w.harness.owner,
            "cohort plan publish",
            &[("cohort", "Blue")],
        )
        .await;
    assert!(
        published.text().contains("2 actions"),
        "{}",
        published.text()
    );
    assert!(
        gate.wait_arrived(1, WAIT).await,
        "the plan's post is on its way"
    );
    let store = w.harness.bot().store().clone();
    let cohort = store
        .cohort_named(w.harness.guild, "Blue")
        .await
        .unwrap()
        .unwrap();
    let plan = store.plan_of(cohort.id).await.unwrap().unwrap();
    // The other worker is another process: it may take the scheduler's claims over only once
    // it leads (they are fenced by the leader's epoch), which it can once the bot's lease ran
    // out.
    let standby = LeaseOwner::for_this_process();
    let after = w.harness.clock.now() + chrono::Duration::minutes(6);
    let lease = chrono::Duration::from_std(LEADER_LEASE).unwrap();
    let epoch = store
        .claim_leadership(&standby, after, lease)
        .await
        .unwrap()
        .expect("the bot's lease has run out by then");
    standby.set_epoch(epoch);
    assert!(store
        .take_over_plan_post(plan.id, Lease::from(&standby, after), after)
        .await
        .unwrap());
    gate.open();
    w.harness
        .sim
        .wait_for_channel_messages(w.summaries, 1, WAIT)
        .await;
    // The other process goes away, handing the lease back; the bot restarts.
    assert!(store.resign_leadership(&standby).await.unwrap());
    w.harness.restart().await;
    w.harness.bot().scheduler().settle().await;
    let again = w
        .harness
        .command(
            w.harness.owner,
            "cohort plan publish",
            &[("cohort", "Blue")],
        )
        .await;
    assert!(
        again.text().contains("already published"),
        "{}",
        again.text()
    );
    w.harness.bot().scheduler().settle().await;
    let posts = w.plan_posts();
    assert_eq!(posts.len(), 1, "the plan is posted once");
    let shown = posts[0].text();
    assert!(shown.contains("1. Meeting notes rotate"), "{shown}");
    assert!(shown.contains("Dev D., 1 more not named"), "{shown}");
    assert!(shown.contains("Looking for an owner"), "{shown}");
    assert!(!shown.contains("Discordname"));
    let buttons: Vec<String> = w
        .proposal(2)
        .buttons()
        .into_iter()
        .map(|b| b.label)
        .collect();
    assert_eq!(
        buttons,
        ["Volunteer as owner"],
        "votes are closed; owners still welcome"
    );
    let voted_after = w
        .harness
        .command(
            fay,
            "plan vote",
            &[("proposal", "2"), ("choice", "support")],
        )
        .await;
    assert!(
        voted_after.text().contains("votes are closed"),
        "{}",
        voted_after.text()
    );

    // The weekly summary: completions as a k-anonymous count (2 < k), the plan's status.
    w.day(6).await;
    let summary = w
        .harness
        .sim
        .channel_messages(w.summaries)
        .into_iter()
        .find(|m| m.text().contains("Weekly summary · Blue"))
        .expect("a weekly summary");
    let text = summary.text();
    assert!(text.contains("Completed the track\n—"), "{text}");
    assert!(
        text.contains("2 actions · 2 planned · 1 looking for an owner"),
        "{text}"
    );
    let status = w
        .harness
        .command(w.harness.owner, "cohort status", &[("cohort", "Blue")])
        .await;
    assert!(
        status
            .text()
            .contains("Completed the track: — (fewer than 5 people)"),
        "{}",
        status.text()
    );
    assert!(!status.text().contains("Ada"));

    // Privacy: Bea owns an action now; her export holds her proposal, vote, ownership and
    // completion; deleting her data leaves the proposal, anonymous, and the action looking for
    // an owner again, with no row left that names her.
    w.volunteer(bea, 2, "Bea Owner").await;
    w.harness.bot().scheduler().settle().await;
    assert!(
        w.plan_posts()[0].text().contains("Bea Owner"),
        "{}",
        w.plan_posts()[0].text()
    );
    let export = w.harness.command(bea, "privacy export", &[]).await;
    let (_, bytes) = &export.message().attachments[0];
    let json: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let data = &json["data"];
    assert_eq!(data["plan_proposals"][0]["named_as"], "Bea B.");
    assert_eq!(
        data["plan_proposals"][0]["first_step"],
        "Add a credits line to the template"
    );
    assert_eq!(data["plan_votes"][0]["vote"], "support");
    assert_eq!(data["plan_ownerships"][0]["named_as"], "Bea Owner");
    assert_eq!(data["certificates"][0]["completed_on"], "2026-11-27");
    let confirm = w.harness.command(bea, "privacy delete", &[]).await;
    let button = confirm.message().button("Delete all my data").unwrap();
    w.harness
        .press(bea, confirm.message().id, &button.custom_id)
        .await;
    w.harness.bot().scheduler().settle().await;
    let left = w.harness.bot().store().rows_mentioning(bea).await.unwrap();
    assert!(left.is_empty(), "{left:?}");
    let anonymous = w.proposal(2).text();
    assert!(
        anonymous.contains("Anonymous") && !anonymous.contains("Bea B."),
        "{anonymous}"
    );
    let plan_now = w.plan_posts()[0].text();
    assert!(
        !plan_now.contains("Bea Owner") && plan_now.contains("Looking for an owner"),
        "{plan_now}"
    );
    // The plan outlives its cohort: archived, the owners' check-in still comes on the
    // action's date and updates the published plan.
    let archived = w
        .harness
        .command(w.harness.owner, "cohort archive", &[("cohort", "Blue")])
        .await;
    assert!(
        archived.text().contains("Archived **Blue**"),
        "{}",
        archived.text()
    );
    w.harness.clock.set(at("2026-12-04T09:00:00Z"));
    w.harness.bot().scheduler().settle().await;
    let dm = crate::commit_support::checkin_dms(&w.harness, dev);
    let dm = dm.last().expect("Dev's check-in DM on the action's date");
    assert!(
        dm.text().contains("Put a rota in the team calendar"),
        "{}",
        dm.text()
    );
    let answered = crate::commit_support::click(&w.harness, dev, dm, "Tried it").await;
    assert!(
        answered.text().contains("**First step taken**"),
        "{}",
        answered.text()
    );
    w.harness.bot().scheduler().settle().await;
    assert!(
        w.plan_posts()[0]
            .text()
            .contains("Status:** First step taken"),
        "{}",
        w.plan_posts()[0].text()
    );

    w.harness.stop().await;
}

#[tokio::test]
async fn an_over_long_or_dated_proposal_is_handed_back_and_outsiders_and_forgeries_change_nothing()
{
    let w = world().await;
    let ada = w.member("Ada").await;
    // Before module 3, the plan is not open yet.
    w.day(1).await;
    let early = w.harness.command(ada, "plan show", &[]).await;
    assert!(
        early
            .text()
            .contains("opens when the cohort reaches module 3"),
        "{}",
        early.text()
    );
    let opened = w
        .harness
        .command(w.harness.owner, "cohort plan open", &[("cohort", "Blue")])
        .await;
    assert!(
        opened.text().contains("action plan is open"),
        "{}",
        opened.text()
    );
    let bad_date = w
        .propose(
            ada,
            &[
                ("what", "Rotate notes"),
                ("who", "Note takers"),
                ("step", "A rota"),
                ("date", "2026-11-01"),
            ],
        )
        .await;
    let echoed = bad_date.message();
    assert!(
        echoed.text().contains("after today and within a year"),
        "{}",
        echoed.text()
    );
    assert!(
        echoed.text().contains("What will change: Rotate notes"),
        "handed back: {}",
        echoed.text()
    );
    let forged = crate::quizzer::forged_message(&w.harness, &[("Support", "pv:999:s")]).await;
    let stale = w.harness.press(ada, forged, "pv:999:s").await;
    assert!(
        stale.text().contains("no longer available"),
        "{}",
        stale.text()
    );
    let removed = w
        .harness
        .command(
            w.harness.owner,
            "cohort plan remove",
            &[("cohort", "Blue"), ("proposal", "1")],
        )
        .await;
    assert!(
        removed.text().contains("no Proposal 1"),
        "{}",
        removed.text()
    );
    // A proposal an admin removes: its post says so, and its proposer is told privately, with
    // their text.
    let posted = w
        .propose(
            ada,
            &[
                ("what", "Rotate who chairs the retro"),
                ("who", "Quieter team members"),
                ("step", "A chair rota"),
                ("date", "2026-12-10"),
            ],
        )
        .await;
    assert!(posted.text().contains("Proposal 1"), "{}", posted.text());
    let removed = w
        .harness
        .command(
            w.harness.owner,
            "cohort plan remove",
            &[("cohort", "Blue"), ("proposal", "1")],
        )
        .await;
    assert!(
        removed.text().contains("told privately"),
        "{}",
        removed.text()
    );
    assert!(w
        .proposal(1)
        .text()
        .contains("An admin removed this proposal."));
    assert!(w.proposal(1).buttons().is_empty());
    let told = w.harness.sim.wait_for_dms(ada, 1, WAIT).await;
    assert!(
        told.iter()
            .any(|m| m.text().contains("Rotate who chairs the retro")),
        "{told:?}"
    );
}
