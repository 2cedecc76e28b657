//! CEL checks: a rule set's checks stated as Common Expression Language expressions over the
//! facts of one enrollment attempt (the variables of [`Variable`], documented in
//! docs/harness.md, "Variables of CEL checks").
//!
//! The interpreter is the `cel` crate (cel-rust, formerly `cel-interpreter`). Of the registry's
//! CEL implementations it is the maintained one (several releases a year, two maintainers, the
//! former `cel-interpreter` folded into it), parses with an ANTLR grammar generated from
//! cel-spec's and runs the spec's conformance tests in its repository; its variable resolver
//! lets an attempt's facts be read in place, without building a map per attempt (about 0.2 µs
//! an evaluation here). `cala-cel-interpreter` is a fork for one ledger; `superscript` has not
//! been released in years. What it lacks is a type checker: [`Expression::compile`] checks
//! every name against the variable table itself, and evaluates the expression on probe facts
//! to find type errors and non-bool results before a run.
//!
//! What is read is known at load time ([`Expression::reads`]): the engine keeps a statistic
//! only when some expression reads it, and remembers each check's verdicts by the values it
//! read ([`Memo`]), so that the interpreter runs only on values it has not seen.

mod eval;
mod memo;
mod variables;

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::{Arc, OnceLock};

use cel::common::ast::Expr;
use cel::{Env, Program};

pub use eval::{Facts, Statistics};
pub use memo::Memo;
pub use variables::{Reads, Type, Variable};

/// Most bytes of an expression's text.
pub const MAX_EXPRESSION_BYTES: usize = 4096;

/// Deepest nesting of an expression's syntax tree (macros such as `exists` count as written).
pub const MAX_EXPRESSION_DEPTH: usize = 32;

/// A compiled CEL check: its text, its syntax tree (each variable one identifier, see
/// [`flatten`]) and the variables it reads.
#[derive(Clone)]
pub struct Expression {
    source: String,
    tree: Arc<cel::IdedExpr>,
    reads: Reads,
}

impl fmt::Debug for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Expression({:?})", self.source)
    }
}

impl PartialEq for Expression {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// Why a text is not a CEL check: where (a byte offset into the text) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The byte offset the problem starts at.
    pub offset: usize,
    /// What is wrong, and what is allowed.
    pub message: String,
}

/// The standard environment, built once.
fn env() -> &'static Arc<Env> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    ENV.get_or_init(|| Arc::new(Env::stdlib()))
}

impl Expression {
    /// Compiles `source`: its syntax, size and depth, every name it reads (a variable of
    /// [`Variable`] or a macro's own), and on probe facts that it evaluates to a bool without
    /// error. Every problem found, in text order.
    pub fn compile(source: &str) -> Result<Self, Vec<Problem>> {
        if source.len() > MAX_EXPRESSION_BYTES {
            return Err(vec![Problem {
                offset: 0,
                message: format!(
                    "the expression is {} bytes long; allowed: at most {MAX_EXPRESSION_BYTES}",
                    source.len()
                ),
            }]);
        }
        let program = env().compile(source).map_err(|errors| {
            (errors.errors.iter())
                .map(|e| Problem {
                    offset: offset_of(source, e.pos),
                    message: e.msg.clone(),
                })
                .collect::<Vec<Problem>>()
        })?;
        let mut names = Names::new(source, &program);
        names.walk(program.expression(), 1);
        let (reads, mut problems) = (names.reads, names.problems);
        if problems.is_empty() {
            let mut tree = program.expression().clone();
            flatten(&mut tree, &names.variables);
            let expression = Self {
                source: source.to_owned(),
                tree: Arc::new(tree),
                reads,
            };
            problems.extend(eval::probe(&expression));
            if problems.is_empty() {
                return Ok(expression);
            }
        }
        problems.sort_by_key(|p| p.offset);
        problems.dedup();
        Err(problems)
    }

    /// The expression's text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The variables it reads.
    pub fn reads(&self) -> Reads {
        self.reads
    }

    /// Whether the check holds (refuses the attempt) on `facts`; an evaluation error (a
    /// division by zero, a type error on a path no probe took) is the error's text.
    pub fn holds(&self, facts: &Facts) -> Result<bool, String> {
        eval::holds(&self.tree, &facts.bind(self.reads))
    }
}

/// The byte offset of 1-based `(line, column)` in `source` (its end when past it).
fn offset_of(source: &str, (line, column): (isize, isize)) -> usize {
    let line_start: usize = (source.split_inclusive('\n'))
        .take(usize::try_from(line - 1).unwrap_or(0))
        .map(str::len)
        .sum();
    let rest = &source[line_start.min(source.len())..];
    let column = usize::try_from(column - 1).unwrap_or(0);
    let within: usize = rest.chars().take(column).map(char::len_utf8).sum();
    (line_start + within).min(source.len())
}

/// The names an expression reads, checked against the variable table.
struct Names<'a> {
    source: &'a str,
    program: &'a Program,
    /// Names bound by the macros around the node being walked (`exists(x, ...)`'s `x`).
    bound: Vec<String>,
    reads: Reads,
    /// The nodes that spell a variable as a chain of field selections, by node id.
    variables: Vec<(u64, Variable)>,
    problems: Vec<Problem>,
}

impl<'a> Names<'a> {
    fn new(source: &'a str, program: &'a Program) -> Self {
        Self {
            source,
            program,
            bound: Vec::new(),
            reads: Reads::NONE,
            variables: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// The byte offset node `id` starts at (the parser counts characters).
    fn offset(&self, id: u64) -> usize {
        let start = (self.program.source_info().offset_for(id)).map_or(0, |(start, _)| start);
        (self.source.char_indices().nth(start as usize)).map_or(self.source.len(), |(i, _)| i)
    }

    fn problem(&mut self, id: u64, message: String) {
        let offset = self.offset(id);
        self.problems.push(Problem { offset, message });
    }

    /// Walks `node`, at nesting `depth`.
    fn walk(&mut self, node: &cel::IdedExpr, depth: usize) {
        if depth > MAX_EXPRESSION_DEPTH {
            let message = format!("the expression nests deeper than {MAX_EXPRESSION_DEPTH} levels; allowed: at most {MAX_EXPRESSION_DEPTH}");
            self.problem(node.id, message);
            return;
        }
        if let Some((root, path)) = qualified(node) {
            if let Some(v) = self.name(root, &path) {
                self.variables.push((node.id, v));
            }
            return;
        }
        match &node.expr {
            Expr::Call(call) => {
                for n in call.target.iter().map(|t| &**t).chain(&call.args) {
                    self.walk(n, depth + 1);
                }
            }
            Expr::Comprehension(c) => {
                self.walk(&c.iter_range, depth + 1);
                self.walk(&c.accu_init, depth + 1);
                let vars = [Some(&c.iter_var), c.iter_var2.as_ref(), Some(&c.accu_var)];
                let before = self.bound.len();
                self.bound.extend(vars.into_iter().flatten().cloned());
                for n in [&c.loop_cond, &c.loop_step, &c.result] {
                    self.walk(n, depth + 1);
                }
                self.bound.truncate(before);
            }
            Expr::List(list) => (list.elements.iter()).for_each(|n| self.walk(n, depth + 1)),
            Expr::Select(select) => self.walk(&select.operand, depth + 1),
            Expr::Map(_) | Expr::Struct(_) => {
                let message = "a map or message literal; allowed: the variables, literals, operators, functions and macros of CEL's standard library".to_owned();
                self.problem(node.id, message);
            }
            Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
        }
    }

    /// A name read: a bound name (or a field of one), or a variable of the table, which is
    /// returned.
    fn name(&mut self, id: u64, path: &[&str]) -> Option<Variable> {
        if self.bound.iter().any(|b| b == path[0]) {
            return None;
        }
        let full = path.join(".");
        if let Some(v) = Variable::from_name(&full) {
            self.reads = self.reads.with(v);
            return Some(v);
        }
        let message = match Variable::fields_of(path[0]) {
            Some(fields) if path.len() == 1 => format!(
                "{} is an object, not a value; allowed: one of its fields, {}",
                path[0],
                fields.join(", ")
            ),
            Some(fields) => format!(
                "{} has no field {}; allowed: {}",
                path[0],
                path[1..].join("."),
                fields.join(", ")
            ),
            None => format!(
                "unknown variable {}; allowed: {} (docs/harness.md, \"Variables of CEL checks\")",
                path[0],
                Variable::ROOTS.join(", ")
            ),
        };
        self.problem(id, message);
        None
    }
}

/// Rewrites each node of `variables` (`contact.bounced`, an identifier or field selections on
/// one) as the variable's token, an identifier no source can spell (`#7`). The interpreter
/// then asks the resolver for the variable at once, where a selection chain costs it a list
/// of segments and a joined name, and the resolver finds it by index, not by comparing names,
/// on every evaluation.
fn flatten(node: &mut cel::IdedExpr, variables: &[(u64, Variable)]) {
    if let Some((_, v)) = variables.iter().find(|(id, _)| *id == node.id) {
        node.expr = Expr::Ident(v.token());
        return;
    }
    match &mut node.expr {
        Expr::Call(call) => {
            let target = call.target.iter_mut().map(|t| &mut **t);
            target
                .chain(&mut call.args)
                .for_each(|n| flatten(n, variables));
        }
        Expr::Comprehension(c) => {
            for n in [
                &mut c.iter_range,
                &mut c.accu_init,
                &mut c.loop_cond,
                &mut c.loop_step,
                &mut c.result,
            ] {
                flatten(n, variables);
            }
        }
        Expr::List(list) => (list.elements.iter_mut()).for_each(|n| flatten(n, variables)),
        Expr::Select(select) => flatten(&mut select.operand, variables),
        Expr::Map(_) | Expr::Struct(_) | Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
    }
}

/// The segments of the qualified name `node` spells (`contact.bounced`: `contact`,
/// `bounced`), if it is an identifier or a chain of field selections on one, with the
/// identifier's node id.
fn qualified(node: &cel::IdedExpr) -> Option<(u64, Vec<&str>)> {
    match &node.expr {
        Expr::Ident(name) => Some((node.id, vec![name.as_str()])),
        Expr::Select(s) if !s.test => {
            let (root, mut path) = qualified(&s.operand)?;
            path.push(&s.field);
            Some((root, path))
        }
        _ => None,
    }
}
