//! What `/privacy export` adds for certification and the action plan (certificates, proposals,
//! votes, ownerships; texts opened for the person alone), and what `/privacy delete` takes down
//! first: the congratulations that named them.

use poise::serenity_prelude as serenity;
use serde_json::{json, Value};

use super::plan::texts;
use crate::bot::posts::delete_post;
use crate::bot::{sealed, Data, Error};
use crate::domain::cert_code::CertCode;
use crate::store::SealedColumn;

/// The export's tables for certificates and the action plan.
pub async fn tables(data: &Data, user: u64) -> Result<Vec<(&'static str, Vec<Value>)>, Error> {
    let mut certificates = Vec::new();
    for done in data.store.completions_of(user).await? {
        let name = match &done.name_sealed {
            Some(sealed) => Some(sealed::opened(
                &data.cipher,
                SealedColumn::CertificateName,
                done.id,
                user,
                sealed,
            )?),
            None => None,
        };
        let cohort = data.store.cohort(done.cohort_id).await?.map(|c| c.name);
        certificates.push(json!({
            "track": done.track,
            "cohort": cohort,
            "completed_on": done.completed_on,
            "code": done.code.as_deref().map(|c| CertCode::parse(c).map_or(c.to_owned(), |c| c.to_string())),
            "name_on_certificate": name,
            "issued_at": done.issued_at,
            "shared_in_channel_at": done.shared_at,
        }));
    }
    let mut proposals = Vec::new();
    for proposal in data.store.proposals_by(user).await? {
        let texts = texts(data, &proposal)?;
        let name = match &proposal.name_sealed {
            Some(sealed) => Some(sealed::opened(
                &data.cipher,
                SealedColumn::ProposalName,
                proposal.id,
                user,
                sealed,
            )?),
            None => None,
        };
        proposals.push(json!({
            "proposal": proposal.number,
            "what_will_change": texts.what,
            "who_it_helps": texts.who,
            "first_step": texts.first_step,
            "target_date": proposal.target_date,
            "named_as": name,
            "removed_by_an_admin": proposal.removed,
            "in_published_plan_at": proposal.rank,
        }));
    }
    let votes = data
        .store
        .votes_by(user)
        .await?
        .into_iter()
        .map(|(number, cohort, choice)| json!({"cohort": cohort, "proposal": number, "vote": choice}))
        .collect();
    let mut ownerships = Vec::new();
    for (number, cohort, owner) in data.store.ownerships_of(user).await? {
        let name = match &owner.name_sealed {
            Some(sealed) => Some(sealed::opened(
                &data.cipher,
                SealedColumn::OwnerName,
                owner.id,
                user,
                sealed,
            )?),
            None => None,
        };
        ownerships.push(json!({
            "cohort": cohort,
            "proposal": number,
            "named_as": name,
            "check_in_commitment": owner.commitment_id,
        }));
    }
    Ok(vec![
        ("certificates", certificates),
        ("plan_proposals", proposals),
        ("plan_votes", votes),
        ("plan_ownerships", ownerships),
    ])
}

/// Takes down the congratulations that named `user`; returns how many could not be removed.
pub async fn take_down_congratulations(
    data: &Data,
    http: &serenity::Http,
    user: u64,
) -> Result<u32, Error> {
    let mut kept = 0;
    for (channel, message) in data.store.congratulations_of(user).await? {
        if let Err(e) = delete_post(&data.pacer, http, channel, message).await {
            kept += 1;
            tracing::warn!(channel_id = channel, error = %e, "could not remove a congratulation");
        }
    }
    Ok(kept)
}
