//! The classifier on synthetic telemetry drawn from the seed's appendix table: typical jobs of
//! each phase, borderline ones, and training disguised as inference.

use super::*;
use aigov_types::phase::Precision;
use proptest::prelude::*;

const GIB: u32 = 1024;

fn pretrain() -> Telemetry {
    Telemetry::typical(Phase::PreTrain)
}

fn posttrain() -> Telemetry {
    Telemetry::typical(Phase::PostTrain)
}

fn inference() -> Telemetry {
    Telemetry::typical(Phase::Inference)
}

fn p() -> PhaseParams {
    PhaseParams::default()
}

#[test]
fn typical_jobs_are_recognised_and_agree_with_an_honest_declaration() {
    for (t, phase) in [
        (pretrain(), Phase::PreTrain),
        (posttrain(), Phase::PostTrain),
        (inference(), Phase::Inference),
    ] {
        let v = classify(&t, phase, &p());
        assert_eq!(v.detected, phase, "{v:?}");
        assert_eq!(v.mismatch_bps, 0);
        assert!(v.confidence_bps >= 5_000, "{phase:?}: {v:?}");
    }
}

#[test]
fn training_disguised_as_inference_is_caught_strongly_enough_to_cancel() {
    // Eight devices declared as serving, but running backward passes at BF16 with 70 GiB each.
    let disguised = Telemetry {
        device_count: 8,
        batch_size: 64,
        peak_memory_mib: 70 * GIB,
        energy_wh: 8 * 600,
        interconnect_bytes: 8 * 3_600 * 2_000_000_000,
        ..posttrain()
    };
    let v = classify(&disguised, Phase::Inference, &p());
    assert_ne!(v.detected, Phase::Inference, "{v:?}");
    assert!(v.mismatch_bps >= p().cancel_bps, "{v:?}");
    // Only the backward passes disguised as forward ones: still far from inference.
    let v = classify(&pretrain(), Phase::Inference, &p());
    assert_eq!(v.detected, Phase::PreTrain);
    assert_eq!(v.mismatch_bps, 10_000);
}

#[test]
fn pretraining_declared_as_posttraining_halts_but_the_reverse_is_only_flagged() {
    let v = classify(&pretrain(), Phase::PostTrain, &p());
    assert_eq!(v.detected, Phase::PreTrain);
    assert!(v.mismatch_bps >= p().halt_bps, "{v:?}");
    // Fine-tuning declared as pre-training uses less than was approved: recorded, not halted.
    let v = classify(&posttrain(), Phase::PreTrain, &p());
    assert_eq!(v.detected, Phase::PostTrain);
    assert!(
        v.mismatch_bps >= p().flag_bps && v.mismatch_bps < p().halt_bps,
        "{v:?}"
    );
}

#[test]
fn borderline_telemetry_does_not_act_on_a_declared_phase_it_also_fits() {
    // Inference of a large model: 4 devices, 40 GiB each, BF16, a little backward share from a
    // reward model's gradients — ambiguous between post-training and inference.
    let t = Telemetry {
        device_count: 4,
        peak_memory_mib: 40 * GIB,
        precision: Precision::Bf16,
        backward_share_bps: 500,
        ..inference()
    };
    let v = classify(&t, Phase::Inference, &p());
    assert!(v.mismatch_bps < p().halt_bps, "{v:?}");
    // Ties go to the declared phase.
    let empty = Telemetry {
        backward_share_bps: 1_000,
        peak_memory_mib: 40 * GIB,
        device_count: 16,
        batch_size: 200,
        precision: Precision::Int8,
        duration_ms: 0,
        ..inference()
    };
    for declared in Phase::ALL {
        let v = classify(&empty, declared, &p());
        if v.scores[index(declared)] == v.scores.iter().copied().max().unwrap() {
            assert_eq!(v.detected, declared);
            assert_eq!(v.mismatch_bps, 0);
        }
    }
}

#[test]
fn a_zero_interval_or_fleet_makes_rate_features_abstain_without_dividing_by_zero() {
    let t = Telemetry {
        duration_ms: 0,
        device_count: 0,
        data_bytes: 0,
        output_bytes: 0,
        ..pretrain()
    };
    let v = classify(&t, Phase::PreTrain, &p());
    assert_eq!(v.detected, Phase::PreTrain);
}

#[test]
fn default_thresholds_are_valid_and_contradictions_are_named() {
    assert_eq!(p().validate(), Ok(()));
    let bad = PhaseParams {
        halt_bps: 9_000,
        cancel_bps: 8_000,
        ..p()
    };
    assert!(
        bad.validate()
            .unwrap_err()
            .contains("flag_bps <= halt_bps <= cancel_bps")
    );
    let bad = PhaseParams {
        inference_backward_max_bps: 3_000,
        ..p()
    };
    assert!(bad.validate().is_err());
}

fn any_precision() -> impl Strategy<Value = Precision> {
    prop_oneof![
        Just(Precision::Fp32),
        Just(Precision::Bf16),
        Just(Precision::Fp16),
        Just(Precision::Fp8),
        Just(Precision::Int8),
        Just(Precision::Int4),
    ]
}

prop_compose! {
    fn any_telemetry()(
        data_bytes in any::<u64>(), compute_units in any::<u64>(), peak_memory_mib in any::<u32>(),
        precision in any_precision(), batch_size in any::<u32>(), energy_wh in any::<u64>(),
        duration_ms in any::<u64>(), backward_share_bps in 0u16..=10_000,
        device_count in any::<u32>(), interconnect_bytes in any::<u64>(),
        output_bytes in any::<u64>(),
    ) -> Telemetry {
        Telemetry {
            data_bytes, compute_units, peak_memory_mib, precision, batch_size, energy_wh,
            duration_ms, backward_share_bps, device_count, interconnect_bytes, output_bytes,
        }
    }
}

fn any_phase() -> impl Strategy<Value = Phase> {
    prop_oneof![
        Just(Phase::PreTrain),
        Just(Phase::PostTrain),
        Just(Phase::Inference)
    ]
}

proptest! {
    /// Any report, even with extreme values: no panic, a deterministic verdict, scores behind
    /// it, and basis points in range; agreeing with the declaration means no mismatch.
    #[test]
    fn the_verdict_is_total_deterministic_and_in_range(t in any_telemetry(), declared in any_phase()) {
        let v = classify(&t, declared, &p());
        prop_assert_eq!(v, classify(&t.clone(), declared, &p()));
        prop_assert!(v.confidence_bps <= 10_000 && v.mismatch_bps <= 10_000);
        let best = v.scores.iter().copied().max().unwrap();
        prop_assert_eq!(v.scores[index(v.detected)], best);
        if v.detected == declared {
            prop_assert_eq!(v.mismatch_bps, 0);
        } else {
            prop_assert!(v.scores[index(declared)] < best);
        }
    }
}
