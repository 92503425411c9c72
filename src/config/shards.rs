//! `discord.shards`: which of the bot's gateway shards this process runs, written
//! `"first-last/total"` with both ends included (`"0-1/2"` is shards 0 and 1 of 2).

use std::fmt;

/// The most shards a bot may be split into here. Discord asks for one shard per 2,500 guilds,
/// so this is 2.5 million guilds: far beyond any organisation, low enough to catch a typo.
pub const MAX_SHARDS: u32 = 1024;

/// A contiguous range of shards, both ends included, out of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRange {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl ShardRange {
    /// Whether this process runs shard 0: the one Discord sends DMs to, and so the one that
    /// registers the slash commands.
    pub fn holds_shard_zero(&self) -> bool {
        self.first == 0
    }

    /// How many shards this process runs.
    pub fn count(&self) -> u32 {
        self.last - self.first + 1
    }
}

impl fmt::Display for ShardRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}/{}", self.first, self.last, self.total)
    }
}

/// Reads the key's value; `None` for the empty default (every shard in one process). The error
/// is the problem alone: the caller names the key.
pub fn parse(raw: &str) -> Result<Option<ShardRange>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let shape = || format!("'{raw}' is not \"first-last/total\" (e.g. \"0-1/2\")");
    let (range, total) = raw.split_once('/').ok_or_else(shape)?;
    let (first, last) = range.split_once('-').ok_or_else(shape)?;
    let number = |text: &str| text.trim().parse::<u32>().map_err(|_| shape());
    let (first, last, total) = (number(first)?, number(last)?, number(total)?);
    if total == 0 || total > MAX_SHARDS {
        return Err(format!(
            "'{raw}': the total must be 1 to {MAX_SHARDS} shards"
        ));
    }
    if first > last {
        return Err(format!(
            "'{raw}': the first shard must not come after the last"
        ));
    }
    if last >= total {
        return Err(format!(
            "'{raw}': shards are numbered 0 to {} out of {total}",
            total - 1
        ));
    }
    Ok(Some(ShardRange { first, last, total }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_default_means_every_shard_in_one_process() {
        assert_eq!(parse(""), Ok(None));
        assert_eq!(parse("  "), Ok(None));
    }

    #[test]
    fn both_ends_of_the_range_are_included() {
        let range = parse("0-1/2").unwrap().unwrap();
        assert_eq!(
            range,
            ShardRange {
                first: 0,
                last: 1,
                total: 2
            }
        );
        assert_eq!(range.count(), 2);
        assert!(range.holds_shard_zero());
        assert_eq!(range.to_string(), "0-1/2");
        let single = parse(" 3-3/4 ").unwrap().unwrap();
        assert_eq!(single.count(), 1);
        assert!(!single.holds_shard_zero());
    }

    #[test]
    fn each_bad_value_says_what_is_wrong() {
        for (raw, expected) in [
            ("2", "first-last/total"),
            ("0-1", "first-last/total"),
            ("0/2", "first-last/total"),
            ("a-b/2", "first-last/total"),
            ("-1-0/2", "first-last/total"),
            ("0-0/0", "1 to 1024"),
            ("0-0/5000", "1 to 1024"),
            ("1-0/2", "must not come after"),
            ("0-2/2", "numbered 0 to 1 out of 2"),
            ("2-2/2", "numbered 0 to 1 out of 2"),
        ] {
            let problem = parse(raw).unwrap_err();
            assert!(problem.contains(expected), "{raw}: {problem}");
        }
    }
}
