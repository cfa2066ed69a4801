//! Governance test support: a genesis with personnel of four members, builders of governance
//! calls, and the governance queries on [Chain].

use super::*;
use aigov_state::governance::queries as gov;
use aigov_types::governance::{
    Action, Ballot, CancelProposal, CastVote, Choice, GovernanceCall, GovernanceParams,
    PersonnelTarget, Proposal, ProposalClass, SubmitProposal,
};

/// A genesis person: name, member, organisation, roles, tier.
pub type GovPerson = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [Role],
    u8,
);

/// Personnel of [gov_genesis]. With the test tier weights 4/2/1, the Review weights are fr 7,
/// de 8, eu 4, jp 6 (total 25, cap 10).
pub const GOV_PEOPLE: [GovPerson; 11] = [
    ("alice", "fr", None, &[Role::Policy], 1),
    ("fabien", "fr", None, &[Role::Policy, Role::Safety], 2),
    ("fleur", "fr", None, &[Role::Safety], 3),
    ("dora", "de", None, &[Role::Policy], 1),
    ("bruno", "de", Some("dc-berlin"), &[Role::Safety], 2),
    ("dieter", "de", None, &[Role::Policy], 3),
    ("berta", "de", Some("dc-berlin"), &[Role::Safety], 3),
    ("elena", "eu", None, &[Role::Policy], 2),
    ("clara", "eu", None, &[Role::Auditor, Role::Inspector], 2),
    ("jun", "jp", None, &[Role::Policy], 1),
    ("jiro", "jp", None, &[Role::Safety], 2),
];

/// The demo [genesis] plus member `jp` (seats 1/2/2) and the personnel of [GOV_PEOPLE], all
/// Active, with [test_governance] parameters.
pub fn gov_genesis() -> Genesis {
    let mut g = genesis();
    let mut members = g.members.as_slice().to_vec();
    members.push(Member {
        id: slug("jp"),
        name: text("Japan"),
        seats_per_tier: BoundedVec::new(vec![1, 2, 2]).unwrap(),
    });
    g.members = BoundedVec::new(members).unwrap();
    g.personnel = BoundedVec::new(
        GOV_PEOPLE
            .iter()
            .map(|(name, member, org, roles, tier)| {
                genesis_person(name, member, *org, roles, *tier)
            })
            .collect(),
    )
    .unwrap();
    g
}

/// A chain of [gov_genesis] whose `edit` may change, with genesis applied.
pub fn gov_chain(edit: impl FnOnce(&mut Genesis)) -> Chain {
    let mut g = gov_genesis();
    edit(&mut g);
    let mut c = Chain::with_genesis(g);
    c.apply(&[]);
    c
}

/// A `governance.propose` call whose description hash is the title's digest.
pub fn propose_call(class: ProposalClass, title: &str, actions: Vec<Action>) -> Call {
    Call::Governance(GovernanceCall::Propose(SubmitProposal {
        class,
        title: text(title),
        description_hash: Hash::digest(&[title.as_bytes()]),
        actions: BoundedVec::new(actions).unwrap(),
    }))
}

/// A `governance.vote` call without rationale.
pub fn vote_call(proposal: u64, choice: Choice) -> Call {
    Call::Governance(GovernanceCall::Vote(CastVote {
        proposal,
        choice,
        rationale: None,
    }))
}

/// A `governance.cancel` call.
pub fn cancel_call(proposal: u64) -> Call {
    Call::Governance(GovernanceCall::Cancel(CancelProposal { proposal }))
}

/// `activate_personnel` of `name`.
pub fn activate(name: &str) -> Action {
    Action::ActivatePersonnel(PersonnelTarget { account: pk(name) })
}

/// `suspend_personnel` of `name`.
pub fn suspend(name: &str) -> Action {
    Action::SuspendPersonnel(PersonnelTarget { account: pk(name) })
}

/// `remove_personnel` of `name`.
pub fn remove(name: &str) -> Action {
    Action::RemovePersonnel(PersonnelTarget { account: pk(name) })
}

/// `renew_personnel_term` of `name`.
pub fn renew(name: &str) -> Action {
    Action::RenewPersonnelTerm(PersonnelTarget { account: pk(name) })
}

impl Chain {
    /// `call` from `name`, signed with its next nonce.
    pub fn signed(&self, name: &str, call: Call) -> Bytes {
        let k = key(name);
        let nonce = self.nonce(&k.public_key());
        sign(tx(&k, nonce, call), &k)
    }

    /// Applies a block of one call from `name` and returns its receipt.
    pub fn send(&mut self, name: &str, call: Call) -> Receipt {
        let raw = self.signed(name, call);
        let mut out = self.apply(&[raw]);
        out.receipts.remove(0)
    }

    /// Applies a block of one call from `name` that must succeed; returns the block's output.
    pub fn ok(&mut self, name: &str, call: Call) -> BlockOutput {
        let raw = self.signed(name, call);
        let out = self.apply(&[raw]);
        assert_eq!(
            failure_code(&out.receipts[0].outcome),
            None,
            "{name}'s call failed"
        );
        out
    }

    /// Submits a proposal from `name` (which must succeed) and returns its id.
    pub fn submit(
        &mut self,
        name: &str,
        class: ProposalClass,
        title: &str,
        actions: Vec<Action>,
    ) -> u64 {
        self.ok(name, propose_call(class, title, actions));
        self.proposal_count()
    }

    /// Applies one block holding a vote from each of `votes` (distinct voters); every vote
    /// must succeed.
    pub fn votes(&mut self, proposal: u64, votes: &[(&str, Choice)]) -> BlockOutput {
        let txs: Vec<Bytes> = votes
            .iter()
            .map(|(name, choice)| self.signed(name, vote_call(proposal, *choice)))
            .collect();
        let out = self.apply(&txs);
        for (r, (name, _)) in out.receipts.iter().zip(votes) {
            assert_eq!(failure_code(&r.outcome), None, "{name}'s vote failed");
        }
        out
    }

    /// Votes `voters` yes on `id`, closes voting and runs to the eta; returns the events.
    pub fn pass(&mut self, id: u64, voters: &[&str]) -> Vec<EventRecord> {
        let votes: Vec<(&str, Choice)> = voters.iter().map(|v| (*v, Choice::Yes)).collect();
        self.votes(id, &votes);
        let ends = self.proposal(id).voting_ends_ms;
        let mut events = self.run_until(ends);
        let eta = self.proposal(id).eta_ms;
        events.extend(self.run_until(eta));
        events
    }

    /// Applies empty blocks until the last block's time is at least `time_ms`; returns the
    /// events they emitted.
    pub fn run_until(&mut self, time_ms: u64) -> Vec<EventRecord> {
        let mut events = Vec::new();
        while self.now() < time_ms {
            events.extend(self.apply(&[]).events);
        }
        events
    }

    /// Proposal `id`; panics if absent.
    pub fn proposal(&self, id: u64) -> Proposal {
        block_on(gov::proposal(&self.store, id))
            .unwrap()
            .unwrap_or_else(|| panic!("no proposal {id}"))
    }

    /// Number of proposals submitted.
    pub fn proposal_count(&self) -> u64 {
        block_on(gov::proposal_count(&self.store)).unwrap()
    }

    /// The ballots on proposal `id`.
    pub fn ballots(&self, id: u64) -> Vec<Ballot> {
        block_on(gov::ballots(&self.store, id)).unwrap()
    }

    /// `name`'s ballot on proposal `id`.
    pub fn ballot(&self, id: u64, name: &str) -> Option<Ballot> {
        block_on(gov::ballot(&self.store, id, &pk(name))).unwrap()
    }

    /// The live proposal ids.
    pub fn live(&self) -> Vec<u64> {
        block_on(gov::live_proposals(&self.store)).unwrap()
    }

    /// The governance parameters in force.
    pub fn gov_params(&self) -> GovernanceParams {
        block_on(gov::params(&self.store)).unwrap()
    }
}
