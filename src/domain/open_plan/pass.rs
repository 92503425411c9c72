//! One pass of an open-ended plan: every prompt once, in an order that keeps the rotation and
//! the reuse gap given the days before it, found by a depth-first search over the 4 As with a
//! seeded preference. The randomness is the project's own integer generator, so a pass is the
//! same in every release and on every machine.

use super::{FourA, A_WINDOW, MAX_RUN, REUSE_GAP};

/// Search steps per pass before the rules are relaxed. A curriculum that passes `content
/// check` never comes near it; it only keeps a broken one from hanging the bot.
const SEARCH_BUDGET: usize = 200_000;

/// A pass as generated, and whether the rules had to give way (never, for a checked curriculum).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pass {
    pub order: Vec<usize>,
    pub relaxed: bool,
}

/// The random source of pass `pass` (0 for the first): different for every pass and seed.
pub(super) fn pass_rng(seed: u64, pass: u64) -> Mix {
    let mut mix = Mix(seed ^ pass.wrapping_mul(0xD1B5_4A32_D192_ED03));
    mix.next();
    mix
}

/// SplitMix64, in integers only: later passes are worked out whenever they are needed, so the
/// same seed must give the same days in every release and on every machine, whatever a
/// library's generator or float rounding does.
pub struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// Where each A was last used, as a day index (`None` before its first use).
type LastSeen = [Option<usize>; 4];

fn tag_index(tag: FourA) -> usize {
    FourA::ALL.iter().position(|t| *t == tag).unwrap_or(0)
}

/// The last day index by which `last` requires the A to appear again.
fn deadline(last: Option<usize>) -> usize {
    last.map_or(A_WINDOW - 1, |l| l + A_WINDOW)
}

/// Whether using A `chosen` on day `at` leaves the other As room to make their deadlines: the
/// k-th earliest of them must be at least `at + k`.
fn rotation_allows(last: &LastSeen, chosen: usize, at: usize) -> bool {
    let mut others: Vec<usize> = (0..4)
        .filter(|&t| t != chosen)
        .map(|t| deadline(last[t]))
        .collect();
    others.sort_unstable();
    others.iter().enumerate().all(|(k, d)| *d > at + k)
}

/// The state of a pass being built.
struct Builder<'a> {
    tags: &'a [FourA],
    /// Each prompt's last use as a day index, from the days before this pass.
    last_use: Vec<Option<usize>>,
    /// Prompts not yet used in this pass, per A, in this pass's order of preference.
    queues: [Vec<usize>; 4],
    /// Where each A was last used before this pass.
    seen: LastSeen,
    start: usize,
    end: usize,
}

impl Builder<'_> {
    fn eligible(&self, prompt: usize, at: usize) -> bool {
        self.last_use[prompt].is_none_or(|used| at - used > REUSE_GAP)
    }

    /// The first prompt of A `tag` that may be used on day `at` and is still unused.
    fn pick(&self, tag: usize, at: usize, used: &[bool]) -> Option<usize> {
        self.queues[tag]
            .iter()
            .copied()
            .find(|&p| !used[p] && self.eligible(p, at))
    }

    /// Whether what is left of each A after day `at` can still fill the rest of the pass: at
    /// least the uses its deadlines force, and at most two in any window of five days.
    fn enough_left(&self, last: &LastSeen, left: &[usize; 4], at: usize) -> bool {
        let rest = self.end - 1 - at;
        let most = MAX_RUN * (rest / A_WINDOW) + (rest % A_WINDOW).min(MAX_RUN);
        (0..4).all(|t| {
            let due = deadline(last[t]);
            let needed = if due < self.end {
                (self.end - 1 - due) / A_WINDOW + 1
            } else {
                0
            };
            needed <= left[t] && left[t] <= most
        })
    }
}

/// One pass: every prompt once, in an order that keeps the rules given the days before it
/// (`history`, as prompt indexes), searched depth first with a seeded preference.
pub fn generate_pass(tags: &[FourA], history: &[usize], rng: &mut Mix) -> Pass {
    let count = tags.len();
    let start = history.len();
    let mut last_use = vec![None; count];
    let mut last: LastSeen = [None; 4];
    for (at, &prompt) in history.iter().enumerate() {
        last_use[prompt] = Some(at);
        last[tag_index(tags[prompt])] = Some(at);
    }
    // A new order every pass; a prompt used too recently is passed over until it may come back.
    let mut queues: [Vec<usize>; 4] = Default::default();
    let mut order: Vec<usize> = (0..count).collect();
    rng.shuffle(&mut order);
    for p in order {
        queues[tag_index(tags[p])].push(p);
    }
    let builder = Builder {
        tags,
        last_use,
        queues,
        seen: last,
        start,
        end: start + count,
    };
    match search(&builder, rng) {
        Some(order) => Pass {
            order,
            relaxed: false,
        },
        None => Pass {
            order: relaxed_pass(&builder),
            relaxed: true,
        },
    }
}

/// A frame of the depth-first search: the As to try on one day, in order, and the next to try.
struct Frame {
    choices: Vec<usize>,
    next: usize,
    placed: Option<(usize, usize, LastSeen)>,
}

fn search(builder: &Builder<'_>, rng: &mut Mix) -> Option<Vec<usize>> {
    let count = builder.tags.len();
    let mut used = vec![false; count];
    let mut left = [0usize; 4];
    for &tag in builder.tags {
        left[tag_index(tag)] += 1;
    }
    let mut last = builder.seen;
    let mut order: Vec<usize> = Vec::with_capacity(count);
    let mut stack: Vec<Frame> = vec![Frame {
        choices: preference(&left, &last, builder.start, rng),
        next: 0,
        placed: None,
    }];
    let mut steps = 0usize;
    while let Some(frame) = stack.last_mut() {
        // Undo what this frame placed before trying its next choice.
        if let Some((prompt, tag, before)) = frame.placed.take() {
            used[prompt] = false;
            left[tag] += 1;
            last = before;
            order.pop();
        }
        steps += 1;
        if steps > SEARCH_BUDGET {
            return None;
        }
        let at = builder.start + order.len();
        let Some(&tag) = frame.choices.get(frame.next) else {
            stack.pop();
            continue;
        };
        frame.next += 1;
        if left[tag] == 0 || !rotation_allows(&last, tag, at) {
            continue;
        }
        let Some(prompt) = builder.pick(tag, at, &used) else {
            continue;
        };
        let before = last;
        last[tag] = Some(at);
        left[tag] -= 1;
        if !builder.enough_left(&last, &left, at) {
            last = before;
            left[tag] += 1;
            continue;
        }
        used[prompt] = true;
        order.push(prompt);
        frame.placed = Some((prompt, tag, before));
        if order.len() == count {
            return Some(order);
        }
        let choices = preference(&left, &last, at + 1, rng);
        stack.push(Frame {
            choices,
            next: 0,
            placed: None,
        });
    }
    None
}

/// The As in the order to try them on day `at`: one whose deadline is today first; then drawn
/// at random, each in proportion to how many of it are left, with yesterday's A last.
fn preference(left: &[usize; 4], last: &LastSeen, at: usize, rng: &mut Mix) -> Vec<usize> {
    let yesterday = (0..4).find(|&t| at > 0 && last[t] == Some(at - 1));
    let mut pool: Vec<usize> = (0..4).filter(|&t| left[t] > 0).collect();
    let mut drawn = Vec::with_capacity(pool.len());
    while !pool.is_empty() {
        let total: usize = pool.iter().map(|&t| left[t]).sum();
        let mut ticket = rng.below(total);
        let index = pool
            .iter()
            .position(|&t| {
                let hit = ticket < left[t];
                ticket = ticket.saturating_sub(left[t]);
                hit
            })
            .unwrap_or(0);
        drawn.push(pool.remove(index));
    }
    // A stable sort keeps the draw's order within each group.
    drawn.sort_by_key(|&t| (deadline(last[t]) != at, yesterday == Some(t)));
    drawn
}

/// The rules could not all hold (a curriculum too lopsided to rotate): every prompt once, each
/// day the A due soonest that has prompts left, keeping the reuse gap where it can.
fn relaxed_pass(builder: &Builder<'_>) -> Vec<usize> {
    let count = builder.tags.len();
    let mut used = vec![false; count];
    let mut order = Vec::with_capacity(count);
    let mut last = builder.seen;
    for at in builder.start..builder.end {
        let mut tags: Vec<usize> = (0..4).collect();
        tags.sort_by_key(|&t| (deadline(last[t]), t));
        let pick = tags
            .iter()
            .find_map(|&t| builder.pick(t, at, &used).map(|p| (t, p)))
            .or_else(|| {
                tags.iter().find_map(|&t| {
                    builder.queues[t]
                        .iter()
                        .find(|&&p| !used[p])
                        .map(|&p| (t, p))
                })
            });
        if let Some((tag, prompt)) = pick {
            used[prompt] = true;
            last[tag] = Some(at);
            order.push(prompt);
        }
    }
    order
}
