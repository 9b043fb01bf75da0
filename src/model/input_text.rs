//! Reading what a learner types or pastes into a matrix editor.
//!
//! A cell takes one number (`-3`, `2.5`, `1e-3`, a Unicode minus `−2`).
//! A paste takes a block in any of the forms learners copy from elsewhere:
//! NumPy's printout `[[ 2  1 -1]\n [-1  1  0]]`, a Python/JSON list
//! `[[1, 2], [3, 4]]` (optionally inside `array(...)`), or plain rows separated
//! by newlines (or `;`) with values separated by spaces, tabs or commas.

use ndarray::{ArrayD, IxDyn};

/// A pasted block: a rectangular array of any rank, as nested brackets or
/// rows gave it (a NumPy printout of a `(2, 3, 3)` array is rank 3).
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The numbers, in the block's own axis order.
    pub values: ArrayD<f64>,
}

/// Parses one cell's text.
pub fn parse_number(text: &str) -> Result<f64, String> {
    let t = text.trim().replace('\u{2212}', "-");
    if t.is_empty() {
        return Err("empty: type a number".to_string());
    }
    match crate::conv::decimal::parse(&t) {
        Some(v) if v.is_finite() => Ok(v),
        Some(v) if v.is_nan() => Err(format!("“{}” is not a number", text.trim())),
        Some(_) => Err(format!("“{}” is too large", text.trim())),
        None => Err(format!("“{}” is not a number", text.trim())),
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

/// Most levels of brackets a paste may have: the weight's four axes.
const MAX_RANK: usize = 4;

/// A nested list to a rectangular array, checking every level's lengths.
fn to_array(node: &Node) -> Result<ArrayD<f64>, String> {
    let mut shape = Vec::new();
    let mut level = node;
    while let Node::List(items) = level {
        shape.push(items.len());
        match items.first() {
            Some(first) => level = first,
            None => return Err("no numbers found".to_string()),
        }
    }
    if shape.len() > MAX_RANK {
        return Err(format!("{} levels of brackets: a tensor here has at most {MAX_RANK} axes", shape.len()));
    }
    fn flatten(node: &Node, depth: usize, shape: &[usize], out: &mut Vec<f64>) -> Result<(), String> {
        match node {
            Node::Num(v) if depth == shape.len() => {
                out.push(*v);
                Ok(())
            }
            Node::List(items) if depth < shape.len() && items.len() == shape[depth] => {
                items.iter().try_for_each(|item| flatten(item, depth + 1, shape, out))
            }
            Node::List(items) if depth < shape.len() => Err(format!(
                "lists at the same level differ in length: {} values and {} values",
                items.len(),
                shape[depth]
            )),
            _ => Err("lists at the same level are nested to different depths".to_string()),
        }
    }
    let mut values = Vec::new();
    flatten(node, 0, &shape, &mut values)?;
    ArrayD::from_shape_vec(IxDyn(&shape), values).map_err(|e| e.to_string())
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
            Node::Num(v) => ArrayD::from_elem(IxDyn(&[1]), v),
            list => to_array(&list)?,
        }
    } else {
        // Plain rows: newlines or ';' between rows, spaces, tabs or commas between values.
        let rows: Vec<Vec<f64>> = t
            .split(['\n', ';'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|line| line.split([',', ' ', '\t']).filter(|s| !s.is_empty()).map(parse_number).collect())
            .collect::<Result<_, _>>()?;
        let nested = Node::List(rows.into_iter().map(|r| Node::List(r.into_iter().map(Node::Num).collect())).collect());
        to_array(&nested)?
    };
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

    fn block(text: &str) -> Result<Vec<f64>, String> {
        parse_block(text).map(|b| b.values.iter().copied().collect())
    }

    #[test]
    fn blocks_in_every_form() {
        let want = vec![1.0, 2.0, 3.0, 4.0];
        assert_eq!(block("[[1, 2], [3, 4]]"), Ok(want.clone()));
        assert_eq!(block("[[ 1  2]\n [ 3  4]]"), Ok(want.clone()));
        assert_eq!(block("array([[1, 2],\n       [3, 4]])"), Ok(want.clone()));
        assert_eq!(block("1 2\n3 4\n"), Ok(want.clone()));
        assert_eq!(block("1,2\n3,4"), Ok(want.clone()));
        assert_eq!(block("1\t2\r\n3\t4"), Ok(want.clone()));
        assert_eq!(block("array([[1, 2], [3, 4]], dtype=int8)"), Ok(want.clone()));
        assert_eq!(block("1 2; 3 4"), Ok(want));
        assert_eq!(block("[1, 2, 3]"), Ok(vec![1.0, 2.0, 3.0]));
        let shape = |text: &str| parse_block(text).map(|b| b.values.shape().to_vec());
        assert_eq!(shape("1 2\n3 4"), Ok(vec![2, 2]));
        assert_eq!(shape("[[[1, 2]], [[3, 4]]]"), Ok(vec![2, 1, 2]));
        // seeds/000's two-channel weight, as NumPy prints it.
        let weight = "[[[-3 -1 -1] [ 1  1  0] [-2  0  1]] [[ 1 -3  0] [ 2  1 -1] [ 2  0  0]]]";
        assert_eq!(shape(weight), Ok(vec![2, 3, 3]));
        assert_eq!(shape("[[[[1]]], [[[2]]]]"), Ok(vec![2, 1, 1, 1]));
    }

    #[test]
    fn bad_blocks_say_why() {
        assert_eq!(
            block("[[1, 2], [3]]"),
            Err("lists at the same level differ in length: 1 values and 2 values".to_string())
        );
        assert!(block("[[1, 2]").is_err());
        assert!(block("1 x\n3 4").is_err());
        assert!(block("").is_err());
        assert!(block("[[[[[1]]]]]").is_err_and(|e| e.contains("at most 4 axes")));
        assert!(block("[[1, [2]], [3, 4]]").is_err());
    }
}
