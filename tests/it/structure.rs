//! The code's shape: no function longer than [`MAX_FUNCTION_LINES`] lines in
//! `src/`, `tests/` or `benches/`, and no import inside `src/model` that
//! runs back up (the graph of its modules' imports has no cycle).
//!
//! Both read rustfmt-formatted text, line by line, not Rust syntax: a
//! function starts at a line that begins (after indentation) with `fn`, or
//! `pub`, `pub(...)`, `const`, `unsafe` and then `fn`, and ends at the first
//! later line that is its indentation and `}`; a declaration ending in `;`
//! has no body. A module of the model is a file `src/model/X.rs` with its
//! directory `src/model/X/` (or a module written inline in `src/model.rs`);
//! it imports another through `use super::X`, `use crate::model::X` or a
//! path `super::X::` in its code. Test code (`#[cfg(test)] mod ...`) may
//! import anything and is not read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The longest a function may be, in lines, from its first line to its
/// closing brace.
const MAX_FUNCTION_LINES: usize = 80;

/// The `.rs` files under `dir`, in order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The name of the function `line` starts, if it starts one.
fn function_name(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    if let Some(after) = rest.strip_prefix("pub") {
        rest = match after.strip_prefix(' ') {
            Some(after) => after,
            None if after.starts_with('(') => &after[after.find(") ")? + 2..],
            None => return None,
        };
    }
    rest = rest.strip_prefix("const ").unwrap_or(rest);
    rest = rest.strip_prefix("unsafe ").unwrap_or(rest);
    let rest = rest.strip_prefix("fn ")?;
    let end = (rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))).unwrap_or(rest.len());
    (end > 0).then_some(&rest[..end])
}

/// A function found in a file.
#[derive(Debug, PartialEq)]
struct Function {
    name: String,
    /// Its first line, from 1.
    line: usize,
    /// From its first line to its closing brace, both counted.
    lines: usize,
}

/// Every function with a body in `text`; an error names one whose end
/// cannot be found.
fn functions(text: &str) -> Result<Vec<Function>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let Some(name) = function_name(line) else {
            continue;
        };
        // The signature runs to a line that opens the body, declares the
        // function without one, or holds all of it.
        let Some(open) =
            (start..lines.len()).find(|&i| lines[i].trim_end().ends_with(['{', ';', '}']))
        else {
            return Err(format!("fn {name} at line {}: no body", start + 1));
        };
        let end = match lines[open].trim_end().chars().last() {
            Some(';') => continue,
            Some('}') => open,
            _ => {
                let indent = &line[..line.len() - line.trim_start().len()];
                let close = format!("{indent}}}");
                (open + 1..lines.len())
                    .find(|&i| lines[i] == close)
                    .ok_or_else(|| format!("fn {name} at line {}: no end", start + 1))?
            }
        };
        found.push(Function {
            name: name.to_string(),
            line: start + 1,
            lines: end - start + 1,
        });
    }
    Ok(found)
}

/// Each function over the limit in `src/`, `tests/` and `benches/`, as
/// `file:line fn name: lines`; and how many functions were read.
fn long_functions() -> (Vec<String>, usize) {
    let root = Path::new(ROOT);
    let (mut long, mut read) = (Vec::new(), 0);
    for dir in ["src", "tests", "benches"] {
        for file in rust_files(&root.join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            let name = file.strip_prefix(root).unwrap().display();
            let found = functions(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            read += found.len();
            for function in found.iter().filter(|f| f.lines > MAX_FUNCTION_LINES) {
                let (line, lines) = (function.line, function.lines);
                long.push(format!("{name}:{line} fn {}: {lines} lines", function.name));
            }
        }
    }
    (long, read)
}

#[test]
fn no_function_is_longer_than_eighty_lines() {
    let (long, read) = long_functions();
    // The scan reads the code it checks: a scan that found nothing would
    // pass anything.
    assert!(read > 500, "only {read} functions found");
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines (split them into named helpers):\n{}",
        long.join("\n")
    );
}

#[test]
fn the_function_scan_measures_bodies_and_skips_declarations() {
    let text = [
        "/// fn not_this() {",
        "pub(crate) fn outer(x: u32) -> u32 {",
        "    let f = |y| y + 1;",
        "    fn inner() {}",
        "    f(x)",
        "}",
        "trait T {",
        "    unsafe fn declared(&self)",
        "        -> u32;",
        "    pub const fn long<T>(",
        "        x: [u8; 2],",
        "    ) -> u8",
        "    where",
        "        T: Copy,",
        "    {",
        "        x[0]",
        "    }",
        "}",
    ]
    .join("\n");
    let found = functions(&text).unwrap();
    let summary: Vec<(&str, usize, usize)> = (found.iter())
        .map(|f| (f.name.as_str(), f.line, f.lines))
        .collect();
    assert_eq!(summary, [("outer", 2, 5), ("inner", 4, 1), ("long", 10, 8)]);
    assert!(functions("fn open() {\n    x\n").is_err());
    for not_a_function in [
        "pubfn x() {}",
        "    let fn_x = 1;",
        "fn () {}",
        "// fn x() {}",
    ] {
        assert_eq!(function_name(not_a_function), None, "{not_a_function}");
    }
}

/// The leading name of each path in `text`, which follows `super::` or
/// `crate::model::`: `a` in `a::B`, `a` and `c` in `{a::B, c}`.
fn leading_names(text: &str) -> Vec<&str> {
    fn name(item: &str) -> &str {
        let item = item.trim_start();
        let end = (item.find(|c: char| !(c.is_alphanumeric() || c == '_'))).unwrap_or(item.len());
        &item[..end]
    }
    let Some(group) = text.strip_prefix('{') else {
        return vec![name(text)];
    };
    // The group's items, split at its own commas.
    let (mut names, mut depth, mut item) = (Vec::new(), 0, 0);
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                names.push(name(&group[item..at]));
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                names.push(name(&group[item..at]));
                item = at + 1;
            }
            _ => {}
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

/// The code lines of `text` with their numbers (from 1): comments and
/// `#[cfg(test)]` modules left out, a `use` over several lines joined on
/// its first. Also the names of test modules declared here (`mod x;`),
/// whose files are test code.
fn code_lines(text: &str) -> (Vec<(usize, String)>, Vec<String>) {
    let lines: Vec<&str> = text.lines().collect();
    let (mut code, mut test_modules) = (Vec::new(), Vec::new());
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let trimmed = line.trim();
        if trimmed == "#[cfg(test)]"
            && let Some(next) = lines.get(index + 1).map(|l| l.trim())
            && let Some(module) = next.strip_prefix("mod ").or(next.strip_prefix("pub mod "))
        {
            if let Some(name) = module.strip_suffix(';') {
                test_modules.push(name.to_string());
                index += 2;
            } else {
                let close = format!("{}}}", &line[..line.len() - line.trim_start().len()]);
                let end = (index + 2..lines.len()).find(|&i| lines[i] == close);
                index = end.unwrap_or(lines.len()) + 1;
            }
            continue;
        }
        if trimmed.starts_with("//") {
            index += 1;
            continue;
        }
        let mut joined = line.to_string();
        let start = index;
        if trimmed.starts_with("use ") || trimmed.starts_with("pub use ") {
            while !joined.trim_end().ends_with(';') && index + 1 < lines.len() {
                index += 1;
                joined.push_str(lines[index].trim());
            }
        }
        code.push((start + 1, joined));
        index += 1;
    }
    (code, test_modules)
}

/// The modules of the model that the code of module `path` (its path below
/// `crate::model`, e.g. `["world", "start"]`) refers to, each with the
/// first line that does; itself and what is not a module of the model
/// (`modules`) left out.
fn imports(
    path: &[String],
    code: &[(usize, String)],
    modules: &BTreeSet<String>,
) -> BTreeMap<String, usize> {
    let mut found = BTreeMap::new();
    for (number, line) in code {
        let mut targets = Vec::new();
        for (at, _) in line.match_indices("crate::model::") {
            targets.extend(leading_names(&line[at + "crate::model::".len()..]));
        }
        for (at, _) in line.match_indices("super::") {
            // Count each chain of `super::` once, from its first.
            if line[..at].ends_with("super::") {
                continue;
            }
            let mut rest = &line[at..];
            let mut up = 0;
            while let Some(after) = rest.strip_prefix("super::") {
                (rest, up) = (after, up + 1);
            }
            // Above the model's modules: not one of them.
            if up > path.len() {
                continue;
            }
            targets.extend(leading_names(rest).into_iter().map(|name| {
                // Still inside a module of the model: that one.
                if up < path.len() {
                    path[0].as_str()
                } else {
                    name
                }
            }));
        }
        for target in targets {
            if target != path[0] && modules.contains(target) {
                found.entry(target.to_string()).or_insert(*number);
            }
        }
    }
    found
}

/// An import: from a module, to a module, first seen at `file:line`.
type Edges = BTreeMap<(String, String), String>;

/// The modules of `src/model` and their imports.
fn model_graph() -> (BTreeSet<String>, Edges) {
    let root = Path::new(ROOT);
    let model = root.join("src/model");
    let mut modules = BTreeSet::new();
    for entry in std::fs::read_dir(&model).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() || path.extension().is_some_and(|e| e == "rs") {
            modules.insert(stem);
        }
    }
    // Modules written inline in src/model.rs.
    let parent = std::fs::read_to_string(root.join("src/model.rs")).unwrap();
    for line in parent.lines() {
        let declared = line.trim().strip_prefix("pub ").unwrap_or(line.trim());
        if let Some(inline) = declared
            .strip_prefix("mod ")
            .and_then(|m| m.strip_suffix(" {"))
        {
            modules.insert(inline.to_string());
        }
    }
    // Each file as its module's path below the model, and its code; the
    // files of test modules are test code.
    let mut read = Vec::new();
    let mut test_files = BTreeSet::new();
    for file in rust_files(&model) {
        let relative = file.strip_prefix(&model).unwrap().with_extension("");
        let (code, test_modules) = code_lines(&std::fs::read_to_string(&file).unwrap());
        test_files.extend(test_modules.iter().map(|name| relative.join(name)));
        read.push((file, relative, code));
    }
    let mut edges = Edges::new();
    for (file, relative, code) in read {
        if test_files
            .iter()
            .any(|test: &PathBuf| relative.starts_with(test))
        {
            continue;
        }
        let path: Vec<String> = (relative.iter())
            .map(|part| part.to_string_lossy().into_owned())
            .collect();
        for (target, line) in imports(&path, &code, &modules) {
            let at = format!("{}:{line}", file.strip_prefix(root).unwrap().display());
            edges.entry((path[0].clone(), target)).or_insert(at);
        }
    }
    (modules, edges)
}

/// A cycle of `edges`, as the modules along it, the first repeated last.
fn cycle(edges: &Edges) -> Option<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        next.entry(from).or_default().push(to);
    }
    // Depth first: a module met again while still on the path closes a
    // cycle.
    fn visit<'a>(
        module: &'a str,
        next: &BTreeMap<&'a str, Vec<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|m| *m == module) {
            let mut cycle: Vec<String> = path[at..].iter().map(|m| m.to_string()).collect();
            cycle.push(module.to_string());
            return Some(cycle);
        }
        if !done.insert(module) {
            return None;
        }
        path.push(module);
        for to in next.get(module).into_iter().flatten() {
            if let Some(cycle) = visit(to, next, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    (next.keys()).find_map(|module| visit(module, &next, &mut Vec::new(), &mut done))
}

#[test]
fn imports_inside_the_model_never_run_back_up() {
    let (modules, edges) = model_graph();
    // The scan reads the imports it checks.
    for module in ["world", "event", "review", "spare", "streams"] {
        assert!(modules.contains(module), "{module} not found: {modules:?}");
    }
    for below in ["event", "review", "spare", "streams"] {
        let edge = (String::from("world"), String::from(below));
        assert!(edges.contains_key(&edge), "world → {below} not found");
    }
    if let Some(cycle) = cycle(&edges) {
        let steps: Vec<String> = (cycle.windows(2))
            .map(|pair| {
                let at = &edges[&(pair[0].clone(), pair[1].clone())];
                format!("  {} → {} ({at})", pair[0], pair[1])
            })
            .collect();
        panic!(
            "the imports of src/model run in a cycle, {}:\n{}",
            cycle.join(" → "),
            steps.join("\n")
        );
    }
}

#[test]
fn the_import_scan_resolves_paths_and_finds_cycles() {
    let modules: BTreeSet<String> = ["a", "b", "c", "world"].map(String::from).into();
    let text = [
        "//! [`super::c`]",
        "use super::a::X;",
        "use crate::model::{",
        "    b::{Y, Z},",
        "    Recording,",
        "};",
        "fn f() { super::super::c::g(); }",
        "#[cfg(test)]",
        "mod tests {",
        "    use super::super::c;",
        "}",
        "#[cfg(test)]",
        "mod more;",
    ]
    .join("\n");
    let (code, test_modules) = code_lines(&text);
    assert_eq!(test_modules, ["more"]);
    let at = |path: &[&str]| {
        let path: Vec<String> = path.iter().map(|p| p.to_string()).collect();
        imports(&path, &code, &modules)
            .into_iter()
            .collect::<Vec<_>>()
    };
    // From src/model/world.rs: `super::super` leaves the model.
    let from_world = [("a".to_string(), 2), ("b".to_string(), 3)];
    assert_eq!(at(&["world"]), from_world);
    // From src/model/world/x.rs: `super::a` is world's own; `super::super::c`
    // is the model's.
    assert_eq!(
        at(&["world", "x"]),
        [("b".to_string(), 3), ("c".to_string(), 7)]
    );
    let edge = |from: &str, to: &str| ((from.to_string(), to.to_string()), String::new());
    let acyclic: Edges = [edge("a", "b"), edge("b", "c"), edge("a", "c")].into();
    assert_eq!(cycle(&acyclic), None);
    let cyclic: Edges = [edge("a", "b"), edge("b", "c"), edge("c", "b")].into();
    assert_eq!(cycle(&cyclic).unwrap(), ["b", "c", "b"]);
}
