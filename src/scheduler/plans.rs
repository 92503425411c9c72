//! The published action plans' step of a scheduler round. A plan published by an admin is
//! posted once to the organisation's summary channel: claimed in `plan_posts` (an INSERT with
//! a lease, one row per plan), renewed right before the post, recorded only while this worker
//! holds the claim. A claim whose lease ran out (a crash between the post and its record) or a
//! failed post due for a retry is taken over by one conditional UPDATE; its re-post goes out
//! with the same nonce while Discord remembers it, and is looked for in the channel first after
//! that. Posted plans whose actions changed (an owner's check-in, an owner joining or leaving)
//! are edited; an edit is harmless to repeat, so it needs no claim.

use chrono::{DateTime, Utc};

use super::deliver::NONCE_TRUST;
use super::{to_base36, Outbound, PlanActionOut, PlanOut, PostError, Scheduler, MAX_SLEEP};
use crate::store::{Lease, PlanPost};

const TRANSIENT_RETRY: chrono::Duration = chrono::Duration::minutes(1);
const PERMISSION_RETRY: chrono::Duration = chrono::Duration::hours(2);

/// The nonce of a plan's post: deterministic and at most 25 characters.
pub fn plan_nonce(plan: i64) -> String {
    format!("p{}", to_base36(plan.unsigned_abs()))
}

impl<O: Outbound> Scheduler<O> {
    /// Posts newly published plans, recovers stuck ones, edits changed ones; returns when a
    /// plan post next needs attention.
    pub(crate) async fn plans(&self, now: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
        for post in self.store.plan_posts_to_take_over(now).await? {
            let lease = Lease::from(&self.owner, now);
            if self
                .store
                .take_over_plan_post(post.plan_id, lease, now)
                .await?
            {
                self.post_plan(&post, Some(post.claimed_at)).await?;
            }
        }
        for (plan, cohort) in self.store.plans_to_post().await? {
            let Some(found) = self.store.cohort(cohort).await? else {
                continue;
            };
            let org = self.store.org_settings(found.guild_id).await?;
            let Some(channel) = org
                .summary_channel
                .filter(|_| org.summary_stopped.is_none())
            else {
                continue; // posted once a channel is set
            };
            let now = self.clock.now();
            let nonce = plan_nonce(plan);
            if !self
                .store
                .claim_plan_post(plan, channel, &nonce, Lease::from(&self.owner, now), now)
                .await?
            {
                continue;
            }
            if let Some(post) = self.store.plan_post(plan).await? {
                self.post_plan(&post, None).await?;
            }
        }
        for post in self.store.plan_posts_to_edit().await? {
            let (Some(message), Some(out)) = (post.message_id, self.plan_out(&post).await?) else {
                continue;
            };
            match self.outbound.edit_plan(&out, message).await {
                Ok(()) => {
                    self.store
                        .mark_plan_shown(post.plan_id, post.version)
                        .await?;
                    tracing::info!(plan_id = post.plan_id, "action plan message updated");
                }
                Err(e) => {
                    tracing::warn!(plan_id = post.plan_id, error = %e, "could not update an action plan's message; trying again next round")
                }
            }
        }
        let next = self
            .store
            .next_plan_post_attention()
            .await?
            .unwrap_or(now + MAX_SLEEP);
        Ok(next.min(now + MAX_SLEEP))
    }

    /// What the plan shows now, for its post in `post.channel_id`.
    async fn plan_out(&self, post: &PlanPost) -> anyhow::Result<Option<PlanOut>> {
        let Some(cohort) = self.store.cohort(post.cohort_id).await? else {
            return Ok(None);
        };
        let mut actions = Vec::new();
        let mut ranked: Vec<_> = self
            .store
            .proposals(post.plan_id)
            .await?
            .into_iter()
            .filter(|p| p.rank.is_some() && !p.removed)
            .collect();
        ranked.sort_by_key(|p| p.rank);
        for proposal in ranked {
            let owners = self
                .store
                .owners(proposal.id)
                .await?
                .into_iter()
                .map(|o| (o.id, o.user_id, o.name_sealed))
                .collect();
            actions.push(PlanActionOut {
                proposal_id: proposal.id,
                rank: proposal.rank.unwrap_or(0),
                sealed_text: proposal.sealed_text,
                target_date: proposal.target_date,
                status: proposal.status,
                owners,
            });
        }
        Ok(Some(PlanOut {
            plan_id: post.plan_id,
            channel_id: post.channel_id,
            nonce: post.nonce.clone(),
            cohort_name: cohort.name,
            actions,
        }))
    }

    /// Posts a claimed plan as the holder of its lease and records the outcome.
    async fn post_plan(
        &self,
        post: &PlanPost,
        first_claimed: Option<DateTime<Utc>>,
    ) -> anyhow::Result<()> {
        let plan = post.plan_id;
        let Some(out) = self.plan_out(post).await? else {
            let now = self.clock.now();
            let _ = self
                .store
                .mark_plan_post_failed(
                    plan,
                    &self.owner,
                    (None, "the cohort no longer exists"),
                    None,
                    now,
                )
                .await?;
            return Ok(());
        };
        if !self
            .store
            .renew_plan_post(plan, Lease::from(&self.owner, self.clock.now()))
            .await?
            .applied()
        {
            tracing::warn!(
                plan_id = plan,
                "an action plan's claim passed to another worker; not posting it"
            );
            return Ok(());
        }
        let stale = first_claimed.is_some_and(|first| self.clock.now() - first > NONCE_TRUST);
        let posted = if stale {
            match self.outbound.find_plan(out.channel_id, plan).await {
                Ok(Some(message)) => Ok(message),
                Ok(None) => self.outbound.post_plan(&out).await,
                Err(e) => Err(PostError::Transient {
                    code: e.code(),
                    detail: format!("could not check the channel before posting again ({e})"),
                    retry_after: None,
                }),
            }
        } else {
            self.outbound.post_plan(&out).await
        };
        let now = self.clock.now();
        let change = match &posted {
            Ok(message) => {
                self.store
                    .mark_plan_posted(plan, &self.owner, *message, post.version, now)
                    .await?
            }
            Err(error) => {
                let (retry, reason) = match error {
                    PostError::Transient { retry_after, .. } => (
                        Some(
                            now + retry_after
                                .and_then(|w| chrono::Duration::from_std(w).ok())
                                .unwrap_or(TRANSIENT_RETRY),
                        ),
                        error.to_string(),
                    ),
                    PostError::MissingPermissions if post.attempts < 3 => {
                        (Some(now + PERMISSION_RETRY), error.to_string())
                    }
                    _ => (None, error.to_string()),
                };
                self.store
                    .mark_plan_post_failed(
                        plan,
                        &self.owner,
                        (error.code().map(i64::from), &reason),
                        retry,
                        now,
                    )
                    .await?
            }
        };
        match (&posted, change.applied()) {
            (Ok(_), true) => tracing::info!(plan_id = plan, "action plan posted"),
            (Err(e), true) => tracing::warn!(plan_id = plan, error = %e, "action plan not posted"),
            (_, false) => tracing::warn!(
                plan_id = plan,
                "an action plan's outcome came after its claim passed to another worker"
            ),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_nonces_fit_discords_limit_and_differ_from_the_others() {
        assert!(plan_nonce(i64::MAX).len() <= 25);
        assert_ne!(
            plan_nonce(35),
            super::super::summaries::summary_nonce(35, chrono::NaiveDate::MIN)
        );
    }
}
