//! What people wrote, sealed for its place in the database and opened from it: every text is
//! bound to its table, column, row and owner (`store::SealedField`), so the bot opens a text
//! only where it was sealed. The one place that pairs the data key with the store's columns.

use crate::crypto::{Cipher, CryptoError};
use crate::store::{
    CheckinAnswer, Commitment, SealResult, SealedColumn, SealedField, StoredReflection,
};

/// A sealing function for the store: seals `text` for the field the store names.
pub fn sealing<'a>(cipher: &'a Cipher, text: &'a str) -> impl Fn(&SealedField) -> SealResult + 'a {
    move |field| Ok(cipher.seal(text, &field.context())?)
}

/// A sealing function for a commitment's two texts.
pub fn sealing_commitment<'a>(
    cipher: &'a Cipher,
    when: &'a str,
    will: &'a str,
) -> impl Fn(&SealedField) -> SealResult + 'a {
    move |field| {
        let text = match field.column {
            SealedColumn::CommitmentWhen => when,
            _ => will,
        };
        Ok(cipher.seal(text, &field.context())?)
    }
}

/// Opens a value from its place (table and column, row, owner).
pub fn opened(
    cipher: &Cipher,
    column: SealedColumn,
    row: i64,
    owner: u64,
    sealed: &[u8],
) -> Result<String, CryptoError> {
    open(cipher, column, row, owner, sealed)
}

fn open(
    cipher: &Cipher,
    column: SealedColumn,
    row: i64,
    owner: u64,
    sealed: &[u8],
) -> Result<String, CryptoError> {
    let field = SealedField { column, row, owner };
    cipher.open(sealed, &field.context())
}

pub fn reflection_text(
    cipher: &Cipher,
    reflection: &StoredReflection,
) -> Result<String, CryptoError> {
    reflection_sealed(
        cipher,
        reflection.id,
        reflection.user_id,
        &reflection.sealed_text,
    )
}

/// A reflection's text from its parts (an anonymous share carries them without the row).
pub fn reflection_sealed(
    cipher: &Cipher,
    id: i64,
    owner: u64,
    sealed: &[u8],
) -> Result<String, CryptoError> {
    open(cipher, SealedColumn::ReflectionText, id, owner, sealed)
}

/// A commitment's "when" and "will".
pub fn commitment_texts(
    cipher: &Cipher,
    commitment: &Commitment,
) -> Result<(String, String), CryptoError> {
    let (row, owner) = (commitment.id, commitment.user_id);
    Ok((
        open(
            cipher,
            SealedColumn::CommitmentWhen,
            row,
            owner,
            &commitment.when_sealed,
        )?,
        open(
            cipher,
            SealedColumn::CommitmentWill,
            row,
            owner,
            &commitment.will_sealed,
        )?,
    ))
}

/// A check-in answer's note, if it has one.
pub fn note(
    cipher: &Cipher,
    answer: &CheckinAnswer,
    owner: u64,
) -> Result<Option<String>, CryptoError> {
    answer
        .note_sealed
        .as_deref()
        .map(|sealed| {
            open(
                cipher,
                SealedColumn::CheckinNote,
                answer.answer_id,
                owner,
                sealed,
            )
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commitment(cipher: &Cipher, id: i64, owner: u64) -> Commitment {
        let seal = sealing_commitment(
            cipher,
            "When a meeting starts,",
            "I will ask who is missing.",
        );
        let field = |column| SealedField {
            column,
            row: id,
            owner,
        };
        Commitment {
            id,
            user_id: owner,
            guild_id: 1,
            cohort_id: 1,
            when_sealed: seal(&field(SealedColumn::CommitmentWhen)).unwrap(),
            will_sealed: seal(&field(SealedColumn::CommitmentWill)).unwrap(),
            follow_up_days: 7,
            due_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            status: crate::store::CommitmentStatus::Open,
            waiting: false,
            created_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_text_moved_to_another_column_row_or_person_no_longer_opens() {
        let dir = tempfile::tempdir().unwrap();
        let cipher = Cipher::create(&dir.path().join("key")).unwrap();
        let mine = commitment(&cipher, 1, 7);
        assert_eq!(
            commitment_texts(&cipher, &mine).unwrap(),
            (
                "When a meeting starts,".to_owned(),
                "I will ask who is missing.".to_owned()
            )
        );

        let mut swapped = mine.clone();
        std::mem::swap(&mut swapped.when_sealed, &mut swapped.will_sealed);
        assert!(
            commitment_texts(&cipher, &swapped).is_err(),
            "columns swapped"
        );

        let mut other_row = commitment(&cipher, 2, 7);
        other_row.when_sealed = mine.when_sealed.clone();
        assert!(
            commitment_texts(&cipher, &other_row).is_err(),
            "moved to another row of the same person"
        );

        let mut someone_else = mine.clone();
        someone_else.user_id = 8;
        assert!(
            commitment_texts(&cipher, &someone_else).is_err(),
            "moved to another person"
        );
        assert!(
            reflection_sealed(&cipher, 1, 7, &mine.when_sealed).is_err(),
            "moved to another table"
        );
    }
}
