use aigov_types::hardware::HardwareStatus;
use aigov_types::model::{ModelStatus, Phase};
use aigov_types::workload::RunStatus;

/// Why a workload call or action failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum WorkloadError {
    /// No such workload.
    #[error("workload {0} does not exist")]
    UnknownWorkload(u64),
    /// No such run.
    #[error("run {0} does not exist")]
    UnknownRun(u64),
    /// The model may not receive compute of this phase.
    #[error("model {model} is {status:?}: a {} workload needs {}", phase.name(), if phase.is_training() { "an Approved or Training model" } else { "a Certified model" })]
    ModelNotReady {
        /// The model.
        model: u64,
        /// Its status.
        status: ModelStatus,
        /// The workload's phase.
        phase: Phase,
    },
    /// The safety standard's safeguards for the (declared) model have not all passed.
    #[error(
        "model {model} has not passed its pre-safety safeguards: templates {missing:?} need a passing report first"
    )]
    PreSafetyPending {
        /// The model.
        model: u64,
        /// The safeguard templates without a passing report.
        missing: Vec<u64>,
    },
    /// The hardware is not Active.
    #[error("hardware {hardware} is {status:?}, not Active")]
    HardwareNotActive {
        /// The hardware.
        hardware: u64,
        /// Its status.
        status: HardwareStatus,
    },
    /// The hardware holds its maximum of runs.
    #[error("hardware {0} already holds the most runs it may")]
    HardwareBusy(u64),
    /// A budget of zero.
    #[error("the budget must be at least 1")]
    ZeroBudget,
    /// A stage count outside 1..=STAGES_MAX.
    #[error("a run has 1 to 1024 stages, got {0}")]
    InvalidStages(u16),
    /// The run is not Running.
    #[error("run {run} is {status:?}, not Running")]
    RunNotRunning {
        /// The run.
        run: u64,
        /// Its status.
        status: RunStatus,
    },
}

impl WorkloadError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            WorkloadError::UnknownWorkload(_) => "unknown_workload",
            WorkloadError::UnknownRun(_) => "unknown_run",
            WorkloadError::ModelNotReady { .. } => "model_not_approved",
            WorkloadError::PreSafetyPending { .. } => "pre_safety_pending",
            WorkloadError::HardwareNotActive { .. } => "hardware_not_active",
            WorkloadError::HardwareBusy(_) => "hardware_busy",
            WorkloadError::ZeroBudget => "zero_budget",
            WorkloadError::InvalidStages(_) => "invalid_stages",
            WorkloadError::RunNotRunning { .. } => "run_not_running",
        }
    }
}
