//! The full traces as the core built them before traces were on demand:
//! every step's terms up front, and the "which outputs does this cell feed"
//! and "which terms make this cell" lists found by scanning every step. The
//! property tests check the on-demand answers against these on random problems.

use convscope::conv::backward::{InputGradTerm, WeightGradTerm};
use convscope::conv::transposed::{Contribution, Placement, ScatterStep};
use convscope::conv::{Feed, ForwardStep, Problem, Term};
use ndarray::Array3;

/// Every step of the sliding window, in step order (row-major over `(F, OH, OW)`).
pub fn forward_steps(problem: &Problem) -> Vec<ForwardStep> {
    let g = problem.conv_geometry().expect("valid");
    let p = g.params;
    let padded = g.pad(&problem.input);
    let [f_count, oh, ow] = g.output_shape();
    let mut steps = Vec::new();
    for f in 0..f_count {
        for oi in 0..oh {
            for oj in 0..ow {
                let group = f / g.out_per_group;
                let mut terms = Vec::new();
                for cl in 0..g.in_per_group {
                    let c = group * g.in_per_group + cl;
                    for ti in 0..g.kernel[0] {
                        for tj in 0..g.kernel[1] {
                            let pos = [oi * p.stride[0] + ti * p.dilation[0], oj * p.stride[1] + tj * p.dilation[1]];
                            let [ki, kj] = if p.flip { [g.kernel[0] - 1 - ti, g.kernel[1] - 1 - tj] } else { [ti, tj] };
                            terms.push(Term {
                                channel: c,
                                tap: [ti, tj],
                                weight_index: [f, cl, ki, kj],
                                padded_pos: pos,
                                source: padded.source(pos),
                                x: padded.values[[c, pos[0], pos[1]]],
                                w: problem.weight[[f, cl, ki, kj]],
                            });
                        }
                    }
                }
                let mut channel_sums: Vec<(usize, f64)> = Vec::new();
                for t in &terms {
                    match channel_sums.last_mut() {
                        Some((c, s)) if *c == t.channel => *s += t.x * t.w,
                        _ => channel_sums.push((t.channel, t.x * t.w)),
                    }
                }
                let bias = problem.bias.as_ref().map_or(0.0, |b| b[f]);
                let result = terms.iter().map(|t| t.x * t.w).sum::<f64>() + bias;
                steps.push(ForwardStep {
                    out_index: [f, oi, oj],
                    group,
                    window: [oi * p.stride[0], oj * p.stride[1]],
                    terms,
                    channel_sums,
                    bias,
                    has_bias: problem.bias.is_some(),
                    result,
                });
            }
        }
    }
    steps
}

/// Every output cell input cell `[c, i, j]` feeds, by scanning every step.
pub fn feeds(steps: &[ForwardStep], [c, i, j]: [usize; 3]) -> Vec<Feed> {
    steps
        .iter()
        .enumerate()
        .filter_map(|(step, s)| {
            let weight_indices: Vec<[usize; 4]> =
                s.terms.iter().filter(|t| t.channel == c && t.source == Some([i, j])).map(|t| t.weight_index).collect();
            (!weight_indices.is_empty()).then_some(Feed { step, out_index: s.out_index, weight_indices })
        })
        .collect()
}

/// The terms of every gradient cell, from every step's terms (the chain rule
/// applied term by term): `grad_input` cells row-major over `(C, H, W)`,
/// `grad_weight` cells row-major over `(F, C/groups, KH, KW)`.
pub fn gradient_terms(
    problem: &Problem,
    steps: &[ForwardStep],
    grad_output: &Array3<f64>,
) -> (Vec<Vec<InputGradTerm>>, Vec<Vec<WeightGradTerm>>) {
    let (c_count, h, w) = problem.input.dim();
    let (wf, wc, kh, kw) = problem.weight.dim();
    let mut input_terms = vec![Vec::new(); c_count * h * w];
    let mut weight_terms = vec![Vec::new(); wf * wc * kh * kw];
    for step in steps {
        let dy = grad_output[step.out_index];
        for t in &step.terms {
            let [f, cl, ki, kj] = t.weight_index;
            weight_terms[((f * wc + cl) * kh + ki) * kw + kj].push(WeightGradTerm {
                out_index: step.out_index,
                channel: t.channel,
                padded_pos: t.padded_pos,
                source: t.source,
                x: t.x,
                dy,
            });
            if let Some([i, j]) = t.source {
                input_terms[(t.channel * h + i) * w + j].push(InputGradTerm {
                    out_index: step.out_index,
                    weight_index: t.weight_index,
                    dy,
                    w: t.w,
                });
            }
        }
    }
    (input_terms, weight_terms)
}

/// Every scatter step and every output cell's overlap list (indexed
/// row-major over `(F, OH, OW)`), built by placing every copy.
pub fn scatter(problem: &Problem) -> (Vec<ScatterStep>, Vec<Vec<Contribution>>) {
    let g = problem.transposed_geometry().expect("valid");
    let p = g.params;
    let [oh, ow] = g.output;
    let mut contributions = vec![Vec::new(); g.out_channels * oh * ow];
    let mut steps = Vec::new();
    for c in 0..g.in_channels {
        let group = c / g.in_per_group;
        for i in 0..g.input[0] {
            for j in 0..g.input[1] {
                let step = steps.len();
                let x = problem.input[[c, i, j]];
                let mut placements = Vec::new();
                for fl in 0..g.out_per_group {
                    let f = group * g.out_per_group + fl;
                    for ki in 0..g.kernel[0] {
                        for kj in 0..g.kernel[1] {
                            let pos = [i * p.stride[0] + ki * p.dilation[0], j * p.stride[1] + kj * p.dilation[1]];
                            let out_pos = match (pos[0].checked_sub(p.padding[0]), pos[1].checked_sub(p.padding[1])) {
                                (Some(a), Some(b)) if a < oh && b < ow => Some([a, b]),
                                _ => None,
                            };
                            let w = problem.weight[[c, fl, ki, kj]];
                            if let Some([a, b]) = out_pos {
                                contributions[(f * oh + a) * ow + b].push(Contribution {
                                    step,
                                    in_index: [c, i, j],
                                    weight_index: [c, fl, ki, kj],
                                    x,
                                    w,
                                });
                            }
                            placements.push(Placement {
                                f,
                                weight_index: [c, fl, ki, kj],
                                canvas_pos: pos,
                                out_pos,
                                w,
                                product: x * w,
                            });
                        }
                    }
                }
                steps.push(ScatterStep { in_index: [c, i, j], x, placements });
            }
        }
    }
    (steps, contributions)
}
