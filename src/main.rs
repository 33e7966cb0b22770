//! The `reviewsim` command line (see [`reviewsim::cli`]).

fn main() -> std::process::ExitCode {
    reviewsim::cli::main()
}
