//! The scheduler is supervised: a round that panics is logged with its cause and the loop goes
//! on (what the round had claimed is recovered once its lease runs out); and if the loop's task
//! itself ends, the running bot says so, which makes `allybot run` exit 1 for the service
//! manager to restart it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use allybot::app::{self, BotOptions};
use allybot::bot::outbound::DiscordOutbound;
use allybot::bot::pacer::Pacer;
use allybot::bot::seam;
use allybot::clock::{Clock, ManualClock};
use allybot::config::Secret;
use allybot::crypto::Cipher;
use allybot::scheduler::{
    CheckinOut, NoticeOut, NudgeOut, Outbound, PlanOut, PostError, Scheduler, SchedulerSettings,
    ShareOut, SummaryOut, Wake,
};
use allybot::sim::SimOptions;
use allybot::store::{LeaseOwner, Store};
use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use futures::FutureExt;

use crate::delivery::seed_cohorts;
use crate::harness::{at, monday_morning, Harness};
use crate::log_capture::Logs;

/// The real outbound, except that its first post panics (a bug in rendering, say).
struct PanicsOnce {
    inner: DiscordOutbound,
    panicked: AtomicBool,
}

impl Outbound for PanicsOnce {
    async fn post_nudge(&self, nudge: &NudgeOut) -> Result<u64, PostError> {
        if !self.panicked.swap(true, Ordering::SeqCst) {
            panic!("injected: a bug while posting a nudge");
        }
        self.inner.post_nudge(nudge).await
    }

    async fn delete_message(&self, channel: u64, message: u64) -> Result<(), PostError> {
        self.inner.delete_message(channel, message).await
    }

    async fn find_nudge(&self, channel: u64, delivery: i64) -> Result<Option<u64>, PostError> {
        self.inner.find_nudge(channel, delivery).await
    }

    async fn post_summary(&self, summary: &SummaryOut) -> Result<u64, PostError> {
        self.inner.post_summary(summary).await
    }

    async fn find_summary(&self, channel: u64, summary: i64) -> Result<Option<u64>, PostError> {
        self.inner.find_summary(channel, summary).await
    }

    async fn post_share(&self, share: &ShareOut) -> Result<u64, PostError> {
        self.inner.post_share(share).await
    }

    async fn find_share(&self, share: &ShareOut) -> Result<Vec<u64>, PostError> {
        self.inner.find_share(share).await
    }

    async fn send_checkin(&self, checkin: &CheckinOut) -> Result<u64, PostError> {
        self.inner.send_checkin(checkin).await
    }

    async fn post_plan(&self, plan: &PlanOut) -> Result<u64, PostError> {
        self.inner.post_plan(plan).await
    }

    async fn edit_plan(&self, plan: &PlanOut, message: u64) -> Result<(), PostError> {
        self.inner.edit_plan(plan, message).await
    }

    async fn find_plan(&self, channel: u64, plan: i64) -> Result<Option<u64>, PostError> {
        self.inner.find_plan(channel, plan).await
    }

    async fn send_notice(&self, notice: &NoticeOut) -> Result<u64, PostError> {
        self.inner.send_notice(notice).await
    }
}

#[tokio::test]
async fn a_round_that_panics_is_logged_and_the_next_round_still_delivers_once() {
    let logs = Logs::capture();
    let world = Harness::world(SimOptions::default()).await;
    let settings = world.settings();
    let curriculum = app::load_curriculum(&settings).unwrap();
    let store = Store::open(&settings.database.url).await.unwrap();
    let channels = seed_cohorts(
        &store,
        &world.sim,
        world.guild,
        1,
        curriculum.track("accomplice").unwrap(),
    )
    .await;
    let outbound = PanicsOnce {
        inner: DiscordOutbound {
            http: Arc::new(
                seam::build_http(&Secret::new("t"), Some(&world.sim.base_url())).unwrap(),
            ),
            curriculum: curriculum.clone(),
            pacer: Arc::new(Pacer::new(45)),
            cipher: Arc::new(Cipher::load_or_create(&settings.privacy.data_key_file).unwrap()),
        },
        panicked: AtomicBool::new(false),
    };
    let mut scheduler = Scheduler::new(
        store.clone(),
        Arc::new(world.clock.clone()),
        curriculum,
        Arc::new(outbound),
        SchedulerSettings::new(6, 180, 5),
        LeaseOwner::for_this_process(),
    )
    .spawn(Arc::new(Wake::default()), &settings.database.url)
    .unwrap();

    world.clock.set(at("2026-11-23T09:00:00Z"));
    scheduler.settle().await;
    assert!(
        logs.wait_for(
            "injected: a bug while posting a nudge",
            Duration::from_secs(5)
        )
        .await,
        "the panic is logged with its cause"
    );
    assert!(world.sim.channel_messages(channels[0]).is_empty());
    assert!(
        scheduler.ended().now_or_never().is_none(),
        "the loop survived the panic"
    );

    // The claim the panicking round held is taken over once its lease has run out.
    world.clock.set(at("2026-11-23T09:06:00Z"));
    scheduler.settle().await;
    assert_eq!(world.sim.channel_messages(channels[0]).len(), 1);
    world.clock.set(at("2026-11-23T09:30:00Z"));
    scheduler.settle().await;
    assert_eq!(world.sim.channel_messages(channels[0]).len(), 1, "once");
    scheduler.stop().await;
}

/// A manual clock whose `sleep_until` panics once armed: the loop's own code, outside any
/// round, fails.
struct BrokenClock {
    inner: ManualClock,
    armed: AtomicBool,
}

impl Clock for BrokenClock {
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }

    fn sleep_until(&self, deadline: DateTime<Utc>) -> BoxFuture<'static, ()> {
        if self.armed.load(Ordering::SeqCst) {
            panic!("injected: the scheduler loop itself failed");
        }
        self.inner.sleep_until(deadline)
    }
}

#[tokio::test]
async fn when_the_scheduler_task_ends_the_running_bot_reports_it_as_a_failure() {
    let world = Harness::world(SimOptions::default()).await;
    let settings = world.settings();
    let curriculum = app::load_curriculum(&settings).unwrap();
    let clock = Arc::new(BrokenClock {
        inner: ManualClock::new(monday_morning()),
        armed: AtomicBool::new(false),
    });
    let mut bot = app::start(BotOptions {
        settings,
        token: Secret::new("test-token"),
        clock: clock.clone(),
        curriculum,
    })
    .await
    .unwrap();
    assert!(world.sim.wait_until_ready(Duration::from_secs(30)).await);

    clock.armed.store(true, Ordering::SeqCst);
    bot.scheduler().wake();
    let stopped = tokio::time::timeout(Duration::from_secs(10), bot.stopped())
        .await
        .expect("the end of the scheduler is noticed");

    let error = stopped.expect_err("an unexpected end is a failure");
    assert!(
        format!("{error:#}").contains("the scheduler stopped"),
        "{error:#}"
    );
    bot.shutdown().await;
}
