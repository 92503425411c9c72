//! Telling the leader that schedules changed, across processes: PostgreSQL's LISTEN/NOTIFY
//! (issue 14). A command served by a standby process changes a schedule in the database, then
//! announces it; the leader, listening on its own connection, runs a round at once instead of
//! at its next poll. On SQLite one process serves everything and nothing is sent.
//!
//! The channel is named after the schema, so bots (or tests) sharing a database server in
//! different schemas do not wake each other; after an MD5 of it when the name would pass
//! PostgreSQL's 63-byte limit on identifiers (LISTEN would cut it, `pg_notify` refuse it).

use sqlx::postgres::PgListener;

use super::{Backend, Store, StoreResult};

/// Announcements of schedule changes, on a connection of their own.
pub struct ScheduleChanges {
    listener: PgListener,
}

impl ScheduleChanges {
    /// The next announcement's payload: the lease owner of the process that made it.
    pub async fn next(&mut self) -> StoreResult<String> {
        Ok(self.listener.recv().await?.payload().to_owned())
    }
}

impl Store {
    async fn schedule_channel(&self) -> StoreResult<String> {
        let schema: String = sqlx::query_scalar(
            "SELECT CASE WHEN octet_length(current_schema()) <= 46
                         THEN CAST(current_schema() AS TEXT) ELSE md5(current_schema()) END",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(format!("allybot_schedule_{schema}"))
    }

    /// Tells every process on this database that schedules changed; `from` (a lease owner's
    /// name) lets the sender ignore its own announcement. Nothing on SQLite.
    pub async fn announce_schedule_change(&self, from: &str) -> StoreResult<()> {
        if self.backend() != Backend::Postgres {
            return Ok(());
        }
        let channel = self.schedule_channel().await?;
        sqlx::query("SELECT CAST(pg_notify($1, $2) AS TEXT)")
            .bind(channel)
            .bind(from)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Listens for [`Store::announce_schedule_change`]; `None` on SQLite.
    pub async fn schedule_changes(&self) -> StoreResult<Option<ScheduleChanges>> {
        if self.backend() != Backend::Postgres {
            return Ok(None);
        }
        let channel = self.schedule_channel().await?;
        let mut listener = PgListener::connect(&self.url).await?;
        listener.listen(&channel).await?;
        Ok(Some(ScheduleChanges { listener }))
    }
}
