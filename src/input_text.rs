//! Reading what a learner types or pastes into a matrix editor.
//!
//! A cell takes one number (`-3`, `2.5`, `1e-3`, a Unicode minus `−2`).
//! A paste takes a block in any of the forms learners copy from elsewhere:
//! NumPy's printout `[[ 2  1 -1]\n [-1  1  0]]`, a Python/JSON list
//! `[[1, 2], [3, 4]]` (optionally inside `array(...)`), or plain rows separated
//! by newlines (or `;`) with values separated by spaces, tabs or commas.

/// A pasted block: `rows x cols` numbers, or several such matrices (channels)
/// for a 3-level nested list. Always rectangular.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// `(channels, rows, cols)` values, channel-major.
    pub values: Vec<Vec<Vec<f64>>>,
}

impl Block {
    pub fn channels(&self) -> usize {
        self.values.len()
    }
    pub fn rows(&self) -> usize {
        self.values.first().map_or(0, Vec::len)
    }
    pub fn cols(&self) -> usize {
        self.values.first().and_then(|m| m.first()).map_or(0, Vec::len)
    }
}

/// Parses one cell's text.
pub fn parse_number(text: &str) -> Result<f64, String> {
    let t = text.trim().replace('\u{2212}', "-");
    if t.is_empty() {
        return Err("empty: type a number".to_string());
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(format!("“{}” is too large", text.trim())),
        Err(_) => Err(format!("“{}” is not a number", text.trim())),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Num(f64),
    List(Vec<Node>),
}

fn parse_nested(text: &str) -> Result<Node, String> {
    // Tokens: '[', ']', numbers; commas and whitespace separate.
    let mut stack: Vec<Vec<Node>> = Vec::new();
    let mut root: Option<Node> = None;
    let mut token = String::new();
    let flush = |token: &mut String, stack: &mut Vec<Vec<Node>>| -> Result<(), String> {
        if token.is_empty() {
            return Ok(());
        }
        let v = parse_number(token)?;
        token.clear();
        stack.last_mut().ok_or_else(|| "a number outside the brackets".to_string())?.push(Node::Num(v));
        Ok(())
    };
    for ch in text.chars() {
        match ch {
            '[' => {
                flush(&mut token, &mut stack)?;
                if root.is_some() {
                    return Err("text after the closing bracket".to_string());
                }
                stack.push(Vec::new());
            }
            ']' => {
                flush(&mut token, &mut stack)?;
                let list = stack.pop().ok_or_else(|| "a ] without its [".to_string())?;
                match stack.last_mut() {
                    Some(parent) => parent.push(Node::List(list)),
                    None => root = Some(Node::List(list)),
                }
            }
            ',' | ' ' | '\t' | '\n' | '\r' => flush(&mut token, &mut stack)?,
            _ => token.push(ch),
        }
    }
    flush(&mut token, &mut stack)?;
    if !stack.is_empty() {
        return Err("a [ without its ]".to_string());
    }
    root.ok_or_else(|| "no numbers found".to_string())
}

fn rows_of(node: &Node) -> Result<Vec<Vec<f64>>, String> {
    let Node::List(rows) = node else {
        return Err("expected a list of rows".to_string());
    };
    rows.iter()
        .map(|r| match r {
            Node::List(cells) => cells
                .iter()
                .map(|c| match c {
                    Node::Num(v) => Ok(*v),
                    Node::List(_) => Err("too many levels of brackets".to_string()),
                })
                .collect(),
            Node::Num(v) => Ok(vec![*v]),
        })
        .collect()
}

fn check_rectangular(matrices: &[Vec<Vec<f64>>]) -> Result<(), String> {
    let rows = matrices.first().map_or(0, Vec::len);
    let cols = matrices.first().and_then(|m| m.first()).map_or(0, Vec::len);
    if rows == 0 || cols == 0 {
        return Err("no numbers found".to_string());
    }
    for m in matrices {
        if m.len() != rows {
            return Err(format!("channels differ in size: {} rows and {rows} rows", m.len()));
        }
        for r in m {
            if r.len() != cols {
                return Err(format!("rows differ in length: {} values and {cols} values", r.len()));
            }
        }
    }
    Ok(())
}

/// Parses a pasted block of numbers.
pub fn parse_block(text: &str) -> Result<Block, String> {
    let mut t = text.trim();
    if let Some(rest) = t.strip_prefix("array(").or_else(|| t.strip_prefix("np.array(")) {
        t = rest.trim_end().trim_end_matches(')');
        // NumPy's repr may end with ", dtype=...".
        if let Some(pos) = t.find(", dtype") {
            t = &t[..pos];
        }
    }
    let values = if t.starts_with('[') {
        match parse_nested(t)? {
            Node::Num(v) => vec![vec![vec![v]]],
            Node::List(items) if items.iter().all(|i| matches!(i, Node::Num(_))) => {
                vec![vec![items.iter().filter_map(|i| if let Node::Num(v) = i { Some(*v) } else { None }).collect()]]
            }
            Node::List(items) => {
                let three_levels = items
                    .iter()
                    .any(|i| matches!(i, Node::List(rows) if rows.iter().any(|r| matches!(r, Node::List(_)))));
                if three_levels {
                    items.iter().map(rows_of).collect::<Result<_, _>>()?
                } else {
                    vec![rows_of(&Node::List(items))?]
                }
            }
        }
    } else {
        let rows: Vec<Vec<f64>> = t
            .split(['\n', ';'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|line| line.split([',', ' ', '\t']).filter(|s| !s.is_empty()).map(parse_number).collect())
            .collect::<Result<_, _>>()?;
        vec![rows]
    };
    check_rectangular(&values)?;
    Ok(Block { values })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number(" -3 "), Ok(-3.0));
        assert_eq!(parse_number("\u{2212}2"), Ok(-2.0));
        assert_eq!(parse_number("1e-3"), Ok(0.001));
        assert_eq!(parse_number("abc"), Err("“abc” is not a number".to_string()));
        assert_eq!(parse_number("1..2"), Err("“1..2” is not a number".to_string()));
        assert!(parse_number("").is_err());
        assert!(parse_number("inf").is_err());
        assert!(parse_number("1e400").is_err());
    }

    #[test]
    fn blocks_in_every_form() {
        let want = vec![vec![vec![1.0, 2.0], vec![3.0, 4.0]]];
        assert_eq!(parse_block("[[1, 2], [3, 4]]").map(|b| b.values), Ok(want.clone()));
        assert_eq!(parse_block("[[ 1  2]\n [ 3  4]]").map(|b| b.values), Ok(want.clone()));
        assert_eq!(parse_block("array([[1, 2],\n       [3, 4]])").map(|b| b.values), Ok(want.clone()));
        assert_eq!(parse_block("1 2\n3 4\n").map(|b| b.values), Ok(want.clone()));
        assert_eq!(parse_block("1,2\n3,4").map(|b| b.values), Ok(want.clone()));
        assert_eq!(parse_block("1\t2\r\n3\t4").map(|b| b.values), Ok(want.clone()));
        assert_eq!(parse_block("array([[1, 2], [3, 4]], dtype=int8)").map(|b| b.values), Ok(want.clone()));
        assert_eq!(parse_block("1 2; 3 4").map(|b| b.values), Ok(want));
        assert_eq!(parse_block("[1, 2, 3]").map(|b| b.values), Ok(vec![vec![vec![1.0, 2.0, 3.0]]]));
        let b = parse_block("[[[1, 2]], [[3, 4]]]").expect("3 levels");
        assert_eq!((b.channels(), b.rows(), b.cols()), (2, 1, 2));
    }

    #[test]
    fn bad_blocks_say_why() {
        assert_eq!(parse_block("[[1, 2], [3]]"), Err("rows differ in length: 1 values and 2 values".to_string()));
        assert!(parse_block("[[1, 2]").is_err());
        assert!(parse_block("1 x\n3 4").is_err());
        assert!(parse_block("").is_err());
    }
}
