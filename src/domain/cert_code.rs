//! Certificate verification codes: `K7QM-3XZ9-P2TA-H4WC`. Fifteen random symbols of
//! Crockford's base 32 (75 bits from a cryptographic generator, so codes cannot be guessed or
//! enumerated: finding one genuine code among 10,000 issued takes about 2^61 tries on average)
//! and one check symbol (Luhn mod 32), so a mistyped or swapped symbol is caught before any
//! look-up. Reading is forgiving as Crockford intends: case, dashes and spaces do not matter,
//! O reads as 0, and I and L as 1.
//!
//! The code holds nothing about the person, track or date: those are found by looking the code
//! up, and `verify` shows only whether it is genuine, the track and the date.

use std::fmt;

use rand::Rng;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_SYMBOLS: usize = 15;
const SYMBOLS: usize = RANDOM_SYMBOLS + 1;

/// A well-formed code (its check symbol is right), in canonical form without dashes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CertCode(String);

/// Why a text is not a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a certificate code has 16 letters and digits, like K7QM-3XZ9-P2TA-H4WC")]
    Length,
    #[error("a certificate code uses only the digits and the letters A-Z without I, L, O and U")]
    Symbol,
    #[error("that code has a typing mistake: its last symbol does not match the others")]
    Check,
}

fn value(symbol: u8) -> Option<u32> {
    let symbol = match symbol.to_ascii_uppercase() {
        b'O' => b'0',
        b'I' | b'L' => b'1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&a| a == symbol)
        .and_then(|p| u32::try_from(p).ok())
}

/// Luhn mod 32 over the symbols' values: the symbol that makes the whole sum divisible by 32.
fn check_symbol(values: &[u32]) -> u32 {
    let mut sum = 0;
    for (i, v) in values.iter().rev().enumerate() {
        let addend = if i % 2 == 0 { v * 2 } else { *v };
        sum += addend / 32 + addend % 32;
    }
    (32 - sum % 32) % 32
}

fn symbol(value: u32) -> char {
    char::from(ALPHABET[(value % 32) as usize])
}

impl CertCode {
    /// A fresh code from `rng`, which must be a cryptographic generator in production.
    pub fn generate(rng: &mut impl Rng) -> Self {
        let values: Vec<u32> = (0..RANDOM_SYMBOLS)
            .map(|_| rng.random_range(0..32))
            .collect();
        let check = check_symbol(&values);
        let text = values
            .iter()
            .chain(std::iter::once(&check))
            .map(|v| symbol(*v))
            .collect();
        CertCode(text)
    }

    /// Reads a code as a person typed it.
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let symbols: Vec<u8> = text
            .bytes()
            .filter(|b| !matches!(b, b'-' | b' ' | b'\t'))
            .collect();
        if symbols.len() != SYMBOLS {
            return Err(CodeError::Length);
        }
        let values = symbols
            .iter()
            .map(|s| value(*s))
            .collect::<Option<Vec<u32>>>()
            .ok_or(CodeError::Symbol)?;
        let (body, check) = values.split_at(RANDOM_SYMBOLS);
        if check_symbol(body) != check[0] {
            return Err(CodeError::Check);
        }
        Ok(CertCode(values.iter().map(|v| symbol(*v)).collect()))
    }

    /// The canonical form, as stored: 16 symbols, no dashes.
    pub fn canonical(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CertCode {
    /// In groups of four: `K7QM-3XZ9-P2TA-H4WC`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, chunk) in self.0.as_bytes().chunks(4).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            f.write_str(std::str::from_utf8(chunk).unwrap_or_default())?;
        }
        Ok(())
    }
}

impl fmt::Debug for CertCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CertCode({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rng() -> rand::rngs::StdRng {
        rand::rngs::StdRng::seed_from_u64(7)
    }

    #[test]
    fn a_generated_code_reads_back_in_any_case_and_grouping() {
        let code = CertCode::generate(&mut rng());
        let shown = code.to_string();
        assert_eq!(shown.len(), 19, "{shown}");
        assert_eq!(CertCode::parse(&shown), Ok(code.clone()));
        assert_eq!(CertCode::parse(&shown.to_lowercase()), Ok(code.clone()));
        assert_eq!(CertCode::parse(code.canonical()), Ok(code));
    }

    #[test]
    fn every_single_mistyped_symbol_is_caught() {
        let code = CertCode::generate(&mut rng());
        let canonical = code.canonical().as_bytes().to_vec();
        for at in 0..canonical.len() {
            for &other in ALPHABET {
                if other == canonical[at] {
                    continue;
                }
                let mut typo = canonical.clone();
                typo[at] = other;
                let typo = String::from_utf8(typo).unwrap();
                assert_eq!(CertCode::parse(&typo), Err(CodeError::Check), "{typo}");
            }
        }
    }

    #[test]
    fn adjacent_swaps_are_caught_nearly_always() {
        let mut rng = rng();
        let (mut swaps, mut caught) = (0, 0);
        for _ in 0..200 {
            let code = CertCode::generate(&mut rng);
            let bytes = code.canonical().as_bytes();
            for at in 0..bytes.len() - 1 {
                if bytes[at] == bytes[at + 1] {
                    continue;
                }
                let mut swapped = bytes.to_vec();
                swapped.swap(at, at + 1);
                swaps += 1;
                if CertCode::parse(std::str::from_utf8(&swapped).unwrap()).is_err() {
                    caught += 1;
                }
            }
        }
        assert!(caught * 100 >= swaps * 95, "{caught} of {swaps}");
    }

    #[test]
    fn look_alikes_read_as_digits_and_junk_is_refused() {
        let code = CertCode::generate(&mut rng());
        let with_o = code.canonical().replace('0', "o");
        assert_eq!(CertCode::parse(&with_o), Ok(code));
        assert_eq!(CertCode::parse("ABC"), Err(CodeError::Length));
        assert_eq!(
            CertCode::parse("UUUU-UUUU-UUUU-UUUU"),
            Err(CodeError::Symbol)
        );
        assert_eq!(CertCode::parse("ÄÄÄÄÄÄÄÄ"), Err(CodeError::Symbol));
    }

    #[test]
    fn codes_differ() {
        let mut rng = rng();
        let codes: std::collections::HashSet<String> = (0..1000)
            .map(|_| CertCode::generate(&mut rng).canonical().to_owned())
            .collect();
        assert_eq!(codes.len(), 1000);
    }
}
