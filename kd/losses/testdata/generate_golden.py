#!/usr/bin/python3
"""Generates golden values for package kd/losses (dev-time tool, never a runtime dependency).

Run with Debian's python (it has torch 1.13):

    /usr/bin/python3 kd/losses/testdata/generate_golden.py > kd/losses/testdata/golden.json

It ports the reference semantics, in float64:
  * Lovász-softmax / Lovász hinge: Berman et al., CVPR 2018, github.com/bermanmaxim/LovaszSoftmax
    (lovasz_grad, lovasz_softmax_flat with classes='present' and per_image=False, lovasz_hinge_flat per image);
  * soft Dice: MONAI DiceLoss(softmax=True) defaults (smooth_nr = smooth_dr = 1e-5, include_background=True,
    sums over the spatial axes per image and class, mean over batch and classes);
  * temperature KL: T² · mean over pixels of KL(softmax(t/T) ‖ softmax(s/T)) (Hinton et al.);
  * multi-teacher targets: mean of softened probabilities and per-pixel entropy weighting (softmax over −entropy);
  * attention transfer (Zagoruyko & Komodakis): map = mean over channels of f², flattened, L2-normalised per image;
    loss = mean over the batch of the squared L2 distance between the maps.

Inputs are fixed random draws (seeded) stored in the JSON together with the values and gradients w.r.t. the
student-side inputs, channels-last as in Go.
"""
import json
import math

import torch
import torch.nn.functional as F

torch.manual_seed(20230316)
DT = torch.float64


def lovasz_grad(gt_sorted):
    p = len(gt_sorted)
    gts = gt_sorted.sum()
    intersection = gts - gt_sorted.cumsum(0)
    union = gts + (1 - gt_sorted).cumsum(0)
    jaccard = 1.0 - intersection / union
    if p > 1:
        jaccard[1:p] = jaccard[1:p] - jaccard[0:-1]
    return jaccard


def lovasz_softmax_flat(probas, labels):
    """probas [P, C], labels [P]; classes='present'."""
    C = probas.size(1)
    losses = []
    for c in range(C):
        fg = (labels == c).to(DT)
        if fg.sum() == 0:
            continue
        errors = (fg - probas[:, c]).abs()
        errors_sorted, perm = torch.sort(errors, 0, descending=True)
        losses.append(torch.dot(errors_sorted, lovasz_grad(fg[perm])))
    if not losses:
        return probas.sum() * 0.0
    return sum(losses) / len(losses)


def lovasz_softmax(logits, labels):
    """logits [B,H,W,C] channels-last, labels [B,H,W]; per_image=False."""
    C = logits.shape[-1]
    probas = F.softmax(logits, dim=-1).reshape(-1, C)
    return lovasz_softmax_flat(probas, labels.reshape(-1))


def lovasz_hinge(logits, labels):
    """logits [B,H,W], labels [B,H,W] in {0,1}; per_image=True."""
    losses = []
    for log, lab in zip(logits, labels):
        log, lab = log.reshape(-1), lab.reshape(-1).to(DT)
        signs = 2.0 * lab - 1.0
        errors = 1.0 - log * signs
        errors_sorted, perm = torch.sort(errors, dim=0, descending=True)
        losses.append(torch.dot(F.relu(errors_sorted), lovasz_grad(lab[perm])))
    return sum(losses) / len(losses)


def dice(logits, labels, include_background=True):
    """MONAI DiceLoss(softmax=True, to_onehot_y=True) defaults, channels-last."""
    C = logits.shape[-1]
    p = F.softmax(logits, dim=-1)
    g = F.one_hot(labels.long(), C).to(DT)
    if not include_background:
        p, g = p[..., 1:], g[..., 1:]
    inter = (p * g).sum(dim=(1, 2))
    denom = p.sum(dim=(1, 2)) + g.sum(dim=(1, 2))
    return (1.0 - (2.0 * inter + 1e-5) / (denom + 1e-5)).mean()


def kl_from_probs(target, student_logits, T):
    log_s = F.log_softmax(student_logits / T, dim=-1)
    return F.kl_div(log_s, target, reduction="none").sum(-1).mean() * T * T


def kl(teacher_logits, student_logits, T):
    return kl_from_probs(F.softmax(teacher_logits / T, dim=-1), student_logits, T)


def entropy_weighted(teacher_logits, T):
    probs = torch.stack([F.softmax(t / T, dim=-1) for t in teacher_logits])  # [K,B,H,W,C]
    entropy = -(torch.special.xlogy(probs, probs)).sum(-1, keepdim=True)  # [K,B,H,W,1]
    w = F.softmax(-entropy, dim=0)
    return (w * probs).sum(0)


def attention_map(f):
    a = f.pow(2).mean(-1).reshape(f.shape[0], -1)
    return a / a.norm(dim=1, keepdim=True)


def attention_transfer(student, teacher):
    return (attention_map(student) - attention_map(teacher)).pow(2).sum(1).mean()


def value_and_grad(fn, x, *rest):
    x = x.clone().requires_grad_(True)
    v = fn(x, *rest)
    (g,) = torch.autograd.grad(v, x)
    return v.item(), g.flatten().tolist()


def flat(t):
    return t.flatten().tolist()


def segmentation_case(name, B, H, W, C, labels=None, T=4.0, teachers=3):
    logits = torch.randn(B, H, W, C, dtype=DT) * 2
    if labels is None:
        labels = torch.randint(0, C, (B, H, W))
    teacher_logits = [torch.randn(B, H, W, C, dtype=DT) * 3 for _ in range(teachers)]
    case = {
        "name": name, "dims": [B, H, W, C], "temperature": T,
        "logits": flat(logits), "labels": flat(labels),
        "teacher_logits": [flat(t) for t in teacher_logits],
    }
    case["dice"], case["dice_grad"] = value_and_grad(dice, logits, labels)
    case["lovasz_softmax"], case["lovasz_softmax_grad"] = value_and_grad(lovasz_softmax, logits, labels)
    case["kl"], case["kl_grad"] = value_and_grad(lambda s: kl(teacher_logits[0], s, T), logits)
    mean_target = torch.stack([F.softmax(t / T, dim=-1) for t in teacher_logits]).mean(0)
    entropy_target = entropy_weighted(teacher_logits, T)
    case["mean_target"] = flat(mean_target)
    case["entropy_target"] = flat(entropy_target)
    case["kl_entropy_target"], case["kl_entropy_target_grad"] = value_and_grad(
        lambda s: kl_from_probs(entropy_target, s, T), logits)
    return case


def hinge_case(name, B, H, W, labels=None):
    logits = torch.randn(B, H, W, dtype=DT) * 2
    if labels is None:
        labels = torch.randint(0, 2, (B, H, W))
    case = {"name": name, "dims": [B, H, W], "logits": flat(logits), "labels": flat(labels)}
    case["lovasz_hinge"], case["lovasz_hinge_grad"] = value_and_grad(lovasz_hinge, logits, labels)
    return case


def attention_case(name, B, h, w, cs, ct):
    student = torch.randn(B, h, w, cs, dtype=DT)
    teacher = torch.randn(B, h, w, ct, dtype=DT)
    case = {"name": name, "student_dims": [B, h, w, cs], "teacher_dims": [B, h, w, ct],
            "student": flat(student), "teacher": flat(teacher)}
    case["attention"], case["attention_grad"] = value_and_grad(attention_transfer, student, teacher)
    return case


def known_value_case():
    """The 4-pixel example: p(fg) = [0.9, 0.2, 0.6, 0.05], labels [1, 0, 1, 0]."""
    p = torch.tensor([0.9, 0.2, 0.6, 0.05], dtype=DT)
    logits = torch.stack([torch.zeros_like(p), torch.log(p / (1 - p))], -1).reshape(1, 1, 4, 2)
    labels = torch.tensor([1, 0, 1, 0]).reshape(1, 1, 4)
    return {
        "logits": flat(logits), "labels": flat(labels),
        "lovasz_softmax": lovasz_softmax(logits, labels).item(),
        # Soft Dice of the foreground channel alone (MONAI include_background=False).
        "dice_foreground": dice(logits, labels, include_background=False).item(),
    }


def main():
    seg = [
        segmentation_case("B2_C3_random", 2, 4, 5, 3),
        segmentation_case("B1_C2_batch_of_one", 1, 3, 3, 2),
        segmentation_case("B2_C4_class2_absent", 2, 4, 4, 4,
                          labels=torch.tensor([0, 1, 3])[torch.randint(0, 3, (2, 4, 4))]),
        segmentation_case("B2_C3_all_background", 2, 3, 4, 3, labels=torch.zeros(2, 3, 4, dtype=torch.long), T=2.0),
        segmentation_case("B3_C2_T1", 3, 5, 4, 2, T=1.0, teachers=2),
    ]
    hinge = [
        hinge_case("B2_random", 2, 4, 5),
        hinge_case("B1_batch_of_one", 1, 3, 3),
        hinge_case("B2_one_image_empty", 2, 3, 4,
                   labels=torch.stack([torch.zeros(3, 4, dtype=torch.long), torch.randint(0, 2, (3, 4))])),
    ]
    att = [
        attention_case("B2_cs3_ct5", 2, 4, 5, 3, 5),
        attention_case("B1_cs2_ct2", 1, 3, 3, 2, 2),
    ]
    known = known_value_case()
    assert math.isclose(known["lovasz_softmax"], 0.24375, rel_tol=1e-12), known["lovasz_softmax"]
    print(json.dumps({
        "generator": "kd/losses/testdata/generate_golden.py, torch " + torch.__version__,
        "segmentation": seg, "hinge": hinge, "attention": att, "known": known,
    }, indent=None))


if __name__ == "__main__":
    main()
