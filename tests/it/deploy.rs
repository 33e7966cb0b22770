//! The deployment files under `deploy/` agree with the crate: the container
//! builds with a Rust the crate accepts, its images are named in full, the
//! Slurm script fits a small node, and both Kubernetes Jobs run one image.

use std::collections::HashMap;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A Rust version as numbers, `1.88` as `[1, 88, 0]`, or `None` for a tag
/// such as `latest` or `slim`.
fn version(text: &str) -> Option<Vec<u64>> {
    let mut numbers: Vec<u64> = text
        .split('.')
        .map(|part| part.parse().ok())
        .collect::<Option<_>>()?;
    numbers.resize(3.max(numbers.len()), 0);
    Some(numbers)
}

/// Cargo.toml's `package.rust-version`.
fn crate_rust_version() -> (String, Vec<u64>) {
    let manifest: toml::Table = read("Cargo.toml").parse().expect("Cargo.toml parses");
    let text = manifest["package"]["rust-version"]
        .as_str()
        .expect("Cargo.toml has package.rust-version")
        .to_string();
    let numbers = version(&text).expect("rust-version is a version");
    (text, numbers)
}

/// The images of the Dockerfile's `FROM` lines, with `ARG` defaults put in
/// for `${NAME}` and `$NAME`, leaving out stages that start from an earlier
/// stage.
fn dockerfile_images() -> Vec<String> {
    let mut args: HashMap<String, String> = HashMap::new();
    let mut images = Vec::new();
    let mut stages = Vec::new();
    for line in read("deploy/k8s/Dockerfile").lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some((instruction, rest)) = words.split_first() else {
            continue;
        };
        if instruction.eq_ignore_ascii_case("ARG") {
            if let Some((name, value)) = rest.first().and_then(|arg| arg.split_once('=')) {
                args.insert(name.to_string(), value.trim_matches('"').to_string());
            }
        } else if instruction.eq_ignore_ascii_case("FROM") {
            let rest: Vec<&str> = rest
                .iter()
                .copied()
                .filter(|w| !w.starts_with("--"))
                .collect();
            let mut image = rest.first().expect("FROM names an image").to_string();
            for (name, value) in &args {
                image = image
                    .replace(&format!("${{{name}}}"), value)
                    .replace(&format!("${name}"), value);
            }
            images.push(image);
            if let [_, as_word, stage] = rest.as_slice() {
                assert!(as_word.eq_ignore_ascii_case("AS"), "FROM {rest:?}");
                stages.push(stage.to_string());
            }
        }
    }
    images.retain(|image| !stages.contains(image));
    images
}

#[test]
fn the_dockerfile_builds_with_a_rust_no_older_than_cargo_toml_requires() {
    let (required_text, required) = crate_rust_version();
    let rust_images: Vec<String> = dockerfile_images()
        .into_iter()
        .filter(|image| {
            let name = image.split(':').next().unwrap_or_default();
            name == "rust" || name.ends_with("/rust")
        })
        .collect();
    assert!(
        !rust_images.is_empty(),
        "deploy/k8s/Dockerfile builds from no rust image"
    );
    for image in rust_images {
        let tag = image
            .split_once(':')
            .map(|(_, tag)| tag)
            .unwrap_or("latest");
        let tag_version = tag.split('-').next().unwrap_or_default();
        let found = version(tag_version).unwrap_or_else(|| {
            panic!("deploy/k8s/Dockerfile: {image} names no Rust version (Cargo.toml needs {required_text})")
        });
        assert!(
            found >= required,
            "deploy/k8s/Dockerfile: {image} is Rust {tag_version}, older than Cargo.toml's rust-version = \"{required_text}\""
        );
    }
}

#[test]
fn every_image_the_dockerfile_pulls_names_its_registry() {
    // podman, unlike docker, does not assume docker.io for a short name.
    for image in dockerfile_images() {
        let first = image.split('/').next().unwrap_or_default();
        assert!(
            image.contains('/') && (first.contains('.') || first.contains(':')),
            "deploy/k8s/Dockerfile: {image} is not fully qualified (write docker.io/library/{image})"
        );
    }
}

#[test]
fn the_slurm_script_asks_for_one_cpu_per_task_and_uses_what_it_is_given() {
    let script = read("deploy/slurm/sweep.sbatch");
    let cpus: Vec<&str> = script
        .lines()
        .filter_map(|line| line.strip_prefix("#SBATCH --cpus-per-task="))
        .collect();
    // More than a small node has leaves the job pending for ever.
    assert_eq!(
        cpus,
        ["1"],
        "deploy/slurm/sweep.sbatch: ask for one CPU per task; users pass sbatch --cpus-per-task=N"
    );
    assert!(
        script.contains(r#"--threads "${SLURM_CPUS_PER_TASK:-1}""#),
        "deploy/slurm/sweep.sbatch: threads must follow SLURM_CPUS_PER_TASK"
    );
}

#[test]
fn both_kubernetes_jobs_run_the_same_image() {
    let image = |path: &str| -> Vec<String> {
        read(path)
            .lines()
            .filter_map(|line| line.trim().strip_prefix("image:"))
            .map(|image| image.trim().to_string())
            .collect()
    };
    let sweep = image("deploy/k8s/sweep-job.yaml");
    let merge = image("deploy/k8s/merge-job.yaml");
    assert_eq!(sweep.len(), 1, "deploy/k8s/sweep-job.yaml: one image");
    assert_eq!(
        sweep, merge,
        "deploy/k8s/merge-job.yaml must run the image of sweep-job.yaml"
    );
}

#[test]
fn versions_compare_as_numbers() {
    assert!(version("1.88") < version("1.100"));
    assert_eq!(version("1.88"), version("1.88.0"));
    assert!(version("1.85") < version("1.88"));
    assert_eq!(version("slim"), None);
}
