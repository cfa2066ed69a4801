//! Phase detection: the telemetry a device reports with its usage, the thresholds (a System
//! parameter) that turn it into a phase, and the verdict. The seed's appendix table is the
//! source: pre-training is backward passes at full precision on huge fleets with very high
//! memory, large batches and heavy interconnect traffic; post-training the same on few devices
//! with small batches; inference forward passes only, often quantized, with small memory and
//! batches. Everything is an integer so the verdict is a pure function of the report.

use crate::model::Phase;
use crate::{codec_struct, codec_unit_enum};
use serde::{Deserialize, Serialize};

/// Numeric precision the device computed in (the dominant one over the interval).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// 32-bit float.
    Fp32,
    /// bfloat16.
    Bf16,
    /// IEEE half precision.
    Fp16,
    /// 8-bit float.
    Fp8,
    /// 8-bit integer.
    Int8,
    /// 4-bit integer.
    Int4,
}
codec_unit_enum!(Precision { 0 => Fp32, 1 => Bf16, 2 => Fp16, 3 => Fp8, 4 => Int8, 5 => Int4 });

impl Precision {
    /// Quantized formats, typical of inference.
    pub fn quantized(self) -> bool {
        matches!(self, Precision::Fp8 | Precision::Int8 | Precision::Int4)
    }
}

/// What a device measured over the interval a usage report covers (one permit's ration).
/// Totals are over all `device_count` devices of the run's hardware; rates are derived by the
/// classifier, so a report over a longer interval does not look like a bigger job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Telemetry {
    /// Input data read, bytes.
    pub data_bytes: u64,
    /// Compute executed, compute units (10^15 FLOP).
    pub compute_units: u64,
    /// Peak memory used on one device, MiB.
    pub peak_memory_mib: u32,
    /// The dominant precision.
    pub precision: Precision,
    /// Batch size (sequences per step or requests per batch).
    pub batch_size: u32,
    /// Energy used, watt-hours.
    pub energy_wh: u64,
    /// Length of the interval, milliseconds.
    pub duration_ms: u64,
    /// Share of the compute spent in backward passes, basis points (0 to 10,000).
    pub backward_share_bps: u16,
    /// Accelerators used.
    pub device_count: u32,
    /// Bytes exchanged between devices (NVLink, InfiniBand).
    pub interconnect_bytes: u64,
    /// Output produced (answers, completions, checkpoints), bytes.
    pub output_bytes: u64,
}
codec_struct!(Telemetry {
    data_bytes,
    compute_units,
    peak_memory_mib,
    precision,
    batch_size,
    energy_wh,
    duration_ms,
    backward_share_bps,
    device_count,
    interconnect_bytes,
    output_bytes
});

impl Telemetry {
    /// An hour of a typical job of `phase`, from the appendix table: pre-training on 1,024
    /// BF16 devices near full power with heavy all-reduce; a LoRA fine-tune on four devices;
    /// serving a quantized model on one device. For tests, demos and simulated agents.
    pub fn typical(phase: Phase) -> Self {
        const GIB: u32 = 1024;
        const HOUR_MS: u64 = 3_600_000;
        match phase {
            Phase::PreTrain => Self {
                data_bytes: 40_000_000_000,
                compute_units: 3_000_000,
                peak_memory_mib: 120 * GIB,
                precision: Precision::Bf16,
                batch_size: 2_048,
                energy_wh: 1_024 * 650,
                duration_ms: HOUR_MS,
                backward_share_bps: 6_600,
                device_count: 1_024,
                interconnect_bytes: 1_024 * 3_600 * 5_000_000_000,
                output_bytes: 0,
            },
            Phase::PostTrain => Self {
                data_bytes: 2_000_000_000,
                compute_units: 4_000,
                peak_memory_mib: 48 * GIB,
                precision: Precision::Bf16,
                batch_size: 32,
                energy_wh: 4 * 550,
                duration_ms: HOUR_MS,
                backward_share_bps: 5_000,
                device_count: 4,
                interconnect_bytes: 4 * 3_600 * 20_000_000,
                output_bytes: 1_000_000,
            },
            Phase::Inference => Self {
                data_bytes: 50_000_000,
                compute_units: 300,
                peak_memory_mib: 16 * GIB,
                precision: Precision::Fp8,
                batch_size: 8,
                energy_wh: 250,
                duration_ms: HOUR_MS,
                backward_share_bps: 0,
                device_count: 1,
                interconnect_bytes: 0,
                output_bytes: 20_000_000,
            },
        }
    }
}

/// The classifier's thresholds, from the seed's appendix table. Part of the compute
/// parameters, so a System vote changes them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhaseParams {
    /// Backward share at or above which the compute is training.
    pub training_backward_min_bps: u16,
    /// Backward share at or below which it is inference (forward passes only).
    pub inference_backward_max_bps: u16,
    /// Peak memory per device at or above which it looks like pre-training, MiB.
    pub pretrain_memory_min_mib: u32,
    /// Peak memory per device at or below which it looks like inference, MiB.
    pub inference_memory_max_mib: u32,
    /// Batch size at or above which it looks like pre-training.
    pub pretrain_batch_min: u32,
    /// Largest typical post-training batch.
    pub posttrain_batch_max: u32,
    /// Largest typical inference batch.
    pub inference_batch_max: u32,
    /// Device count at or above which it looks like pre-training (a fleet).
    pub pretrain_devices_min: u32,
    /// Largest typical post-training device count.
    pub posttrain_devices_max: u32,
    /// Interconnect traffic per device-second at or above which it looks like pre-training
    /// (gradient all-reduce across a fleet), bytes.
    pub pretrain_interconnect_min: u64,
    /// Energy per device-hour at or above which the devices run flat out (training), Wh.
    pub training_energy_min_wh: u32,
    /// Energy per device-hour at or below which they idle between queries (inference), Wh.
    pub inference_energy_max_wh: u32,
    /// Output as a share of input + output at or above which it looks like inference
    /// (answers), basis points.
    pub inference_output_min_bps: u16,
    /// A mismatch at least this strong is recorded (`phase_mismatch`) for reviewers, bps.
    pub flag_bps: u16,
    /// … this strong halts the run, bps.
    pub halt_bps: u16,
    /// … this strong cancels the workload (halts every run of it), bps.
    pub cancel_bps: u16,
}
codec_struct!(PhaseParams {
    training_backward_min_bps,
    inference_backward_max_bps,
    pretrain_memory_min_mib,
    inference_memory_max_mib,
    pretrain_batch_min,
    posttrain_batch_max,
    inference_batch_max,
    pretrain_devices_min,
    posttrain_devices_max,
    pretrain_interconnect_min,
    training_energy_min_wh,
    inference_energy_max_wh,
    inference_output_min_bps,
    flag_bps,
    halt_bps,
    cancel_bps
});

impl Default for PhaseParams {
    fn default() -> Self {
        Self {
            // Training spends about two thirds of its FLOPs in backward passes (LoRA less);
            // inference none.
            training_backward_min_bps: 2_000,
            inference_backward_max_bps: 100,
            // "80–141 GB+ per GPU" vs "10–20 GB per GPU typical".
            pretrain_memory_min_mib: 80 * 1024,
            inference_memory_max_mib: 20 * 1024,
            // "512–4096+", "8–128", "1–32".
            pretrain_batch_min: 512,
            posttrain_batch_max: 128,
            inference_batch_max: 32,
            // "huge GPU fleets" vs "single/few GPUs".
            pretrain_devices_min: 64,
            posttrain_devices_max: 8,
            // Data-parallel gradient exchange: gigabytes per device-second.
            pretrain_interconnect_min: 1_000_000_000,
            // An H100-class device near its 700 W limit vs mostly idle between queries.
            training_energy_min_wh: 500,
            inference_energy_max_wh: 300,
            inference_output_min_bps: 500,
            flag_bps: 2_500,
            halt_bps: 5_000,
            cancel_bps: 8_000,
        }
    }
}

impl PhaseParams {
    /// Checks that the thresholds are in range and ordered: basis points at most 10,000, the
    /// inference bounds below the training ones, and flag ≤ halt ≤ cancel.
    pub fn validate(&self) -> Result<(), &'static str> {
        let bps = [
            self.training_backward_min_bps,
            self.inference_backward_max_bps,
            self.inference_output_min_bps,
            self.flag_bps,
            self.halt_bps,
            self.cancel_bps,
        ];
        if bps.iter().any(|b| *b > 10_000) {
            return Err("a basis-point threshold is above 10000");
        }
        if self.inference_backward_max_bps >= self.training_backward_min_bps {
            return Err("inference_backward_max_bps must be below training_backward_min_bps");
        }
        if self.inference_memory_max_mib >= self.pretrain_memory_min_mib {
            return Err("inference_memory_max_mib must be below pretrain_memory_min_mib");
        }
        if self.inference_batch_max > self.posttrain_batch_max
            || self.posttrain_batch_max >= self.pretrain_batch_min
        {
            return Err(
                "batch bounds must rise: inference_batch_max <= posttrain_batch_max < pretrain_batch_min",
            );
        }
        if self.posttrain_devices_max >= self.pretrain_devices_min {
            return Err("posttrain_devices_max must be below pretrain_devices_min");
        }
        if self.inference_energy_max_wh >= self.training_energy_min_wh {
            return Err("inference_energy_max_wh must be below training_energy_min_wh");
        }
        if self.flag_bps == 0 || self.flag_bps > self.halt_bps || self.halt_bps > self.cancel_bps {
            return Err("mismatch strengths must rise: 0 < flag_bps <= halt_bps <= cancel_bps");
        }
        Ok(())
    }
}

/// What the classifier makes of a report: per-phase scores (index: pre-train, post-train,
/// inference), the phase with the most, how sure (its share of all points), and how far it is
/// from the declared phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseVerdict {
    /// The phase the telemetry points to (the declared one on a tie).
    pub detected: Phase,
    /// Points per phase, in [Phase::ALL] order.
    pub scores: [u16; 3],
    /// The detected phase's share of all points, bps.
    pub confidence_bps: u16,
    /// How much the detected phase outscores the declared one, relative to the detected
    /// phase's score, bps (0 when they agree).
    pub mismatch_bps: u16,
}

/// What a mismatch led to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseAction {
    /// Recorded for reviewers, who may escalate it to an Emergency vote.
    Flagged,
    /// The run was halted.
    HaltedRun,
    /// Every run of the workload was halted.
    CanceledWorkload,
}
codec_unit_enum!(PhaseAction { 0 => Flagged, 1 => HaltedRun, 2 => CanceledWorkload });
