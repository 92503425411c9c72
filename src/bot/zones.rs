//! IANA time zone names: exact matching (case-insensitive) and the closest suggestions for
//! what someone typed, for autocomplete and for friendly errors.

use chrono_tz::{Tz, TZ_VARIANTS};

/// Shown before anything is typed: common zones across the world.
const COMMON: [&str; 12] = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Africa/Lagos",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
];

pub fn parse_zone(input: &str) -> Option<Tz> {
    let wanted = input.trim().replace(' ', "_");
    TZ_VARIANTS
        .iter()
        .copied()
        .find(|tz| tz.name().eq_ignore_ascii_case(&wanted))
}

/// Up to `limit` zone names closest to `partial`: names containing it first (a city or region
/// starting with it before other matches), then the most similar names.
pub fn suggest(partial: &str, limit: usize) -> Vec<&'static str> {
    let clipped: String = partial.trim().chars().take(40).collect();
    let wanted = clipped.replace(' ', "_").to_ascii_lowercase();
    if wanted.is_empty() {
        return COMMON.iter().copied().take(limit).collect();
    }
    let mut scored: Vec<(u8, f64, &'static str)> = TZ_VARIANTS
        .iter()
        .map(|tz| {
            let name = tz.name();
            let lower = name.to_ascii_lowercase();
            let city = lower.rsplit('/').next().unwrap_or(&lower);
            let rank = if lower == wanted {
                0
            } else if city.starts_with(&wanted) || lower.starts_with(&wanted) {
                1
            } else if lower.contains(&wanted) {
                2
            } else {
                3
            };
            let similarity =
                strsim::jaro_winkler(&wanted, city).max(strsim::jaro_winkler(&wanted, &lower));
            (rank, similarity, name)
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(b.2)));
    scored
        .into_iter()
        .take(limit)
        .map(|(_, _, name)| name)
        .collect()
}

/// The three zones closest to `text`, formatted for a "did you mean" line.
pub fn closest(text: &str) -> String {
    suggest(text, 3)
        .iter()
        .map(|z| format!("`{z}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_without_regard_to_case_or_spaces() {
        assert_eq!(
            parse_zone("america/new york"),
            Some(chrono_tz::America::New_York)
        );
        assert_eq!(parse_zone("Mars/Olympus_Mons"), None);
    }

    #[test]
    fn suggestions_put_the_likely_zone_first() {
        assert_eq!(suggest("new york", 3)[0], "America/New_York");
        assert_eq!(suggest("kathmand", 3)[0], "Asia/Kathmandu");
        assert!(
            suggest("Londn", 5).contains(&"Europe/London"),
            "{:?}",
            suggest("Londn", 5)
        );
        assert_eq!(suggest("", 4).len(), 4);
    }
}
