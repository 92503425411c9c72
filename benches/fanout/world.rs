//! The world a run starts from: N cohorts in guilds of 100 (Discord allows 500 channels a
//! guild; an organisation runs a handful of cohorts, a hosted instance holds many
//! organisations), each with its own channel, all due at 09:00 UTC on Monday 23 November 2026,
//! and participants enrolled in them. The database is written through the store before the bot
//! starts (creating ten thousand cohorts by slash command would measure the simulator), with
//! its data key, so the bot's start-up is a restart, not a first run.

use std::path::Path;

use allybot::app;
use allybot::config;
use allybot::data_key;
use allybot::domain::{SendTime, WorkWeek};
use allybot::sim::Simulator;
use allybot::store::{CreateOutcome, NewCohort, Store};
use chrono::{DateTime, NaiveDate, Utc};

pub const COHORTS_PER_GUILD: usize = 100;

/// A member enrolled in a cohort, acting in its channel.
#[derive(Debug, Clone, Copy)]
pub struct Participant {
    pub user: u64,
    pub guild: u64,
    pub channel: u64,
}

pub struct World {
    pub participants: Vec<Participant>,
}

pub fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .unwrap_or_default()
}

/// Seeds `cohorts` cohorts and `participants` members (spread evenly over the cohorts, so they
/// see their nudges arrive all through the fan-out) into the simulator and the database.
pub async fn seed(
    sim: &Simulator,
    database_url: &str,
    data_key_file: &Path,
    cohorts: usize,
    participants: usize,
) -> anyhow::Result<World> {
    let settings = config::load(None, &[])?;
    let curriculum = app::load_curriculum(&settings)?;
    let track = curriculum
        .track("accomplice")
        .ok_or_else(|| anyhow::anyhow!("the shipped curriculum has no accomplice track"))?;
    let store = Store::open(database_url).await?;
    let set_at = at("2026-11-23T08:00:00Z");
    data_key::prepare(&store, data_key_file, set_at)
        .await
        .map_err(|e| anyhow::anyhow!("data key: {e:?}"))?;
    let start = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    let nine = SendTime::parse("09:00")?;

    let mut seeded = Vec::with_capacity(cohorts);
    let mut guild = (0, 0);
    for i in 0..cohorts {
        if i % COHORTS_PER_GUILD == 0 {
            let owner = sim.add_user(&format!("owner {}", i / COHORTS_PER_GUILD));
            guild = (
                sim.add_guild(&format!("Org {}", i / COHORTS_PER_GUILD), owner),
                owner,
            );
        }
        let channel = sim.add_text_channel(guild.0, &format!("cohort-{i}"));
        let (plan, pace) = track.new_cohort_plan(i as u64);
        let new = NewCohort {
            guild_id: guild.0,
            name: &format!("Cohort {i}"),
            track: &track.id,
            track_version: &track.version,
            plan: &plan,
            pace: &pace,
            seed: i as u64,
            start,
            created_by: guild.1,
        };
        let CreateOutcome::Created(cohort) = store.create_cohort(new, set_at).await? else {
            anyhow::bail!("cohort name taken");
        };
        store
            .set_schedule(cohort.id, nine, chrono_tz::UTC, WorkWeek::MON_FRI)
            .await?;
        store.set_channel(cohort.id, channel, set_at).await?;
        seeded.push((cohort.id, guild.0, channel));
    }

    let mut people = Vec::with_capacity(participants);
    for j in 0..participants {
        let Some(&(cohort, guild, channel)) = seeded.get(j * cohorts / participants.max(1)) else {
            break;
        };
        let user = sim.add_user(&format!("participant {j}"));
        sim.add_member(guild, user, &[]);
        store.join_cohort(guild, cohort, user, set_at).await?;
        people.push(Participant {
            user,
            guild,
            channel,
        });
    }
    store.close().await;
    Ok(World {
        participants: people,
    })
}
