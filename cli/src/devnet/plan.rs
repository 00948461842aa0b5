//! Step 1 of a devnet: the devnet to run ([`Plan`]), from its arguments checked again,
//! and who dials whom ([`dial_targets`]).

use std::time::Duration;

use anyhow::{Context, bail};

use super::{DevnetArgs, MAX_DIAL, MAX_NODES, MAX_RECORDS};

/// The convergence deadline is this, plus [`CONVERGE_PER_RECORD`] per record.
const CONVERGE_BASE: Duration = Duration::from_secs(60);
/// See [`CONVERGE_BASE`].
const CONVERGE_PER_RECORD: Duration = Duration::from_millis(10);

/// The devnet to run, from checked arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Plan {
    pub(super) nodes: usize,
    pub(super) records: usize,
    pub(super) dial: usize,
    pub(super) keep: bool,
    pub(super) keep_running: bool,
}

impl Plan {
    pub(super) fn from_args(args: &DevnetArgs) -> anyhow::Result<Plan> {
        // clap checked the ranges; this refuses them again for callers that bypass it.
        let count = |value: u32, min: u32, max: u32, flag: &str| -> anyhow::Result<usize> {
            if !(min..=max).contains(&value) {
                bail!("{flag} must be between {min} and {max}, not {value}");
            }
            usize::try_from(value).with_context(|| format!("{flag} {value} is too large"))
        };
        Ok(Plan {
            nodes: count(args.nodes, 2, MAX_NODES, "--nodes")?,
            records: count(args.records, 1, MAX_RECORDS, "--records")?,
            dial: count(args.dial, 1, MAX_DIAL, "--dial")?,
            keep: args.keep,
            keep_running: args.keep_running,
        })
    }

    pub(super) fn converge_deadline(&self) -> Duration {
        CONVERGE_BASE + CONVERGE_PER_RECORD * u32::try_from(self.records).unwrap_or(u32::MAX)
    }
}

/// The earlier nodes node `index` dials at start: 1, 2, 4, 8… nodes back (so the
/// network's diameter grows with the logarithm of its size, not linearly), then the
/// nearest earlier nodes not yet chosen, `dial` in all or every earlier node if fewer.
/// Node 0 dials no one; later nodes dial it.
pub(super) fn dial_targets(index: usize, dial: usize) -> Vec<usize> {
    let want = dial.min(index);
    let mut targets = Vec::with_capacity(want);
    let mut step = 1;
    while step <= index && targets.len() < want {
        targets.push(index - step);
        step *= 2;
    }
    let mut back = 1;
    while targets.len() < want {
        let target = index - back;
        if !targets.contains(&target) {
            targets.push(target);
        }
        back += 1;
    }
    targets
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn each_node_dials_earlier_nodes_at_power_of_two_distances() {
        assert_eq!(dial_targets(0, 3), Vec::<usize>::new());
        assert_eq!(dial_targets(1, 3), vec![0]);
        assert_eq!(dial_targets(2, 3), vec![1, 0]);
        assert_eq!(dial_targets(3, 3), vec![2, 1, 0]);
        assert_eq!(dial_targets(19, 3), vec![18, 17, 15]);
        assert_eq!(dial_targets(5, 1), vec![4]);
        // More dials than powers of two below the index: the nearest others fill in.
        assert_eq!(dial_targets(5, 5), vec![4, 3, 1, 2, 0]);
        for index in 0..40 {
            let targets = dial_targets(index, 4);
            assert_eq!(targets.len(), index.min(4));
            assert!(targets.iter().all(|target| *target < index));
            assert_eq!(targets.iter().collect::<HashSet<_>>().len(), targets.len());
        }
    }

    #[test]
    fn the_topology_is_connected() {
        // Every node reaches node 0 by dialing earlier nodes.
        for index in 1..50 {
            assert!(!dial_targets(index, 1).is_empty());
        }
    }
}
