"""Fit the BG/NBD model of purchase days and the Gamma-Gamma model of spend.

One row: the parameters of both models fitted by maximum likelihood (no penalty) on the
customers' frequency / recency / T in `int_customers_summarised` (time unit of the var
`prediction_time_unit`), and the Gamma-Gamma model on the repeat buyers' average spend, with a
status per model. Read by `customer_predictions`, which scores every customer with them. See the
docs/predictions.md, and the model's yml for every column.

The fit never stops the build for reasons of the data. Each model is either `fitted` or
`not_fitted`, with a message saying why; a not-fitted model has null parameters (and null
scores). Fallback order, per model:

1. Checks of the data: too few customers or repeat buyers, every first purchase on the as-of
   date (BG/NBD), no spread of spend per purchase (Gamma-Gamma, not identifiable) -> not_fitted,
   nothing tried.
2. lifetimes' own fit (BFGS from lifetimes' start, the gradient tolerances of FIT_TOLERANCES in
   turn), as the project always did; it reproduces Fader, Hardie & Lee (2005) on CDNOW. The
   fitters skip the Hessian lifetimes computes after converging (_WithoutHessian).
3. A bounded multi-start fit: L-BFGS-B on the log-parameters within LOG_PARAMETER_BOUNDS, with
   time scaled to the oldest customer's age and spend to its mean (as lifetimes scales time),
   from starts taken from the data (method of moments, then the best points of a small grid
   around it), lifetimes' start and lifetimes' end point, on the likelihood of lifetimes'
   `_negative_log_likelihood` functions, vectorised here with its gradient.

A candidate counts only when its optimiser converged, its log-likelihood is finite, its
parameters are finite, positive and within the bounds, and (BG/NBD) every customer's scores
with it are finite and in range (a guard: near some limits of the model the formulas lose all
precision). The
best log-likelihood wins; a later
method has to beat an earlier one by more than TIE_PER_CUSTOMER per customer, so lifetimes' fit
stands whenever it is as good. A winner with parameters at a bound is still `fitted` (the
likelihood keeps rising towards a limit of the model, e.g. one dropout probability for
everyone; the scores use the bound), and the message says which parameters and which bound. No
candidate -> not_fitted, the message says what was tried and why each failed.

The back-test's fits (on the calibration period, a few weeks shorter) start where the full fit
ended: the bounded fit alone (no lifetimes fit, no grid), from the moments, lifetimes' start and
the full fit's parameters, its best end point then polished to tight tolerances (POLISH_OPTIONS)
and first in line, so that it stands when it is as good. Where the likelihood has one optimum
inside the bounds this is the full procedure's answer (on CDNOW within 1e-6 of lifetimes' fit,
tools/tests/test_backtest.py; on simulated populations the same log-likelihood to 1e-6 per
customer, tools/tests/test_fit_robustness.py), in about half the time on a million customers.
Where the likelihood keeps rising towards a limit of the model, the starts stop at different
points of a nearly flat ridge and the two procedures can stop at different ones, either the
better (up to about 2e-4 of log-likelihood per customer on the extreme simulated shapes). Without
a fitted full fit, or without a usable solution, the whole procedure runs.
"""

import contextlib
import functools
import io
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from autograd import value_and_grad
from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter
from lifetimes.utils import ConvergenceError
from scipy.optimize import minimize
from scipy.special import digamma, gammaln, hyp2f1

# lifetimes' default gradient tolerance first. At the optimum, BFGS can still stop with "precision
# loss" (status 2) depending on the order of the floating-point sums; the next, looser tolerance
# then ends at the same parameters to about 1e-6.
FIT_TOLERANCES = (1e-7, 1e-6, 1e-5)

# The BG/NBD inputs of int_customers_summarised.
BGNBD_INPUTS = ("bgnbd_frequency", "bgnbd_recency", "bgnbd_t")
BGNBD_PARAMETERS = ("r", "alpha", "a", "b")
GAMMA_GAMMA_PARAMETERS = ("p", "q", "v")

# Below these counts a model is not fitted: four (three) parameters from fewer customers describe
# the customers, not a population.
BGNBD_MIN_CUSTOMERS = 10
BGNBD_MIN_REPEAT_BUYERS = 3
GAMMA_GAMMA_MIN_REPEAT_BUYERS = 10

# The bounded fit searches log-parameters in [-10, 10] (parameters from 4.5e-5 to 22,026), with
# time in units of the oldest customer's age and spend in units of the mean average spend. A
# parameter within BOUND_MARGIN of a bound is reported as at that bound.
LOG_PARAMETER_BOUNDS = (-10.0, 10.0)
BOUND_MARGIN = 1e-3
# A start converged when L-BFGS-B says so, or stopped on a line search with a projected gradient
# this small (of the mean negative log-likelihood per customer).
GRADIENT_TOLERANCE = 1e-5
MAX_ITERATIONS = 1000
# How many of the best grid points start the bounded fit, besides the moments and lifetimes' start.
GRID_STARTS = 3
TIE_PER_CUSTOMER = 1e-6
# A warm start's best end point is polished with these L-BFGS-B options (module docstring).
POLISH_OPTIONS = {"ftol": 1e-13, "gtol": 1e-9, "maxiter": 30}

# The length of a month of the customer lifetime value, in days (a year / 12).
DAYS_PER_MONTH = 365.25 / 12

NumericError = (ConvergenceError, np.linalg.LinAlgError, ValueError, ArithmeticError)


def _fit(fitter: Any, *data: np.ndarray, **options: Any) -> float:
    """Fit with the first tolerance that converges and return it; raise if none does."""
    for tolerance in FIT_TOLERANCES:
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # lifetimes prints failed attempts
                fitter.fit(*data, tol=tolerance, **options)
        except ConvergenceError:
            continue
        return tolerance
    raise ConvergenceError(
        f"{type(fitter).__name__} did not converge with any tolerance in {FIT_TOLERANCES}"
    )


class _WithoutHessian:
    """A lifetimes fitter that stops at its optimum: lifetimes' `_fit` (the same `minimize` call
    from the same start, the same ConvergenceError), without the Hessian that lifetimes computes
    with autograd once it has converged. The Hessian feeds only the standard errors
    (`variance_matrix_`, NaN here), which this model does not read, and costs about a third of
    lifetimes' fit on a million customers. The parameters are lifetimes' to the last bit."""

    def _fit(
        self,
        minimizing_function_args: tuple[Any, ...],
        initial_params: np.ndarray | None,
        params_size: int,
        disp: bool,
        tol: float = 1e-7,
        bounds: Any = None,
        **kwargs: Any,
    ) -> tuple[np.ndarray, float, None]:
        start = 0.1 * np.ones(params_size) if initial_params is None else initial_params
        output = minimize(
            value_and_grad(self._negative_log_likelihood),  # type: ignore[attr-defined]
            jac=True,
            method=None,
            tol=tol,
            x0=start,
            args=minimizing_function_args,
            options={"disp": disp, **kwargs},
            bounds=bounds,
        )
        if output.success:
            return output.x, output.fun, None
        print(output)  # as lifetimes does; _fit mutes it
        raise ConvergenceError("The model did not converge.")

    def _compute_variance_matrix(self) -> pd.DataFrame:
        index = self.params_.index  # type: ignore[attr-defined]
        return pd.DataFrame(np.nan, index=index, columns=index)


class BetaGeoFit(_WithoutHessian, BetaGeoFitter):
    """lifetimes' BetaGeoFitter without the Hessian (_WithoutHessian)."""


class ModifiedBetaGeoFit(_WithoutHessian, ModifiedBetaGeoFitter):
    """lifetimes' ModifiedBetaGeoFitter without the Hessian (_WithoutHessian)."""


class GammaGammaFit(_WithoutHessian, GammaGammaFitter):
    """lifetimes' GammaGammaFitter without the Hessian (_WithoutHessian)."""


@dataclass(frozen=True)
class Candidate:
    """One converged fit: its method, log-parameters (in the scaled units) and mean negative
    log-likelihood per customer (in the scaled units, so comparable between methods)."""

    method: str
    log_parameters: np.ndarray
    mean_negative_log_likelihood: float
    detail: str
    tolerance: float | None = None


@dataclass(frozen=True)
class Fit:
    """The outcome for one model: parameters (scaled back) or None, and why."""

    status: str
    message: str
    method: str | None = None
    parameters: dict[str, float] | None = None
    tolerance: float | None = None


def _quiet() -> contextlib.ExitStack:
    """Silence numpy's and autograd's warnings about log(0) and overflow while searching: the
    optimiser sees those points as non-finite and moves away."""
    stack = contextlib.ExitStack()
    stack.enter_context(warnings.catch_warnings())
    warnings.simplefilter("ignore")
    stack.enter_context(np.errstate(all="ignore"))
    return stack


def _finite_objective(
    value_and_gradient: Callable[..., tuple[float, np.ndarray]], args: tuple[Any, ...]
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """Value and gradient for L-BFGS-B; a non-finite point is a very bad point, not an error."""

    def objective(log_parameters: np.ndarray) -> tuple[float, np.ndarray]:
        value, gradient = value_and_gradient(log_parameters, *args)
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            return 1e10, np.zeros_like(log_parameters)
        return float(value), gradient

    return objective


class Distinct:
    """An array with its distinct values: a function of the values is computed once per distinct
    value and spread back (the same numbers; the likelihoods' gammaln, digamma and log cost a
    fraction where a million patterns hold a few hundred frequencies and a few thousand ages)."""

    def __init__(self, values: Any) -> None:
        self.values = np.asarray(values, dtype=float)
        self.unique, inverse = np.unique(self.values, return_inverse=True)
        self.inverse = inverse.reshape(-1)

    @functools.cached_property
    def log(self) -> np.ndarray:
        return self.map(np.log)

    def map(self, function: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        return np.asarray(function(self.unique))[self.inverse]


def _distinct(values: Any) -> Distinct:
    return values if isinstance(values, Distinct) else Distinct(values)


def bgnbd_negative_log_likelihood(
    log_parameters: np.ndarray,
    frequency: np.ndarray | Distinct,
    recency: np.ndarray | Distinct,
    age: np.ndarray | Distinct,
    weights: np.ndarray,
) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood per customer of BG/NBD (Fader, Hardie & Lee 2005, eq. 6 in
    the stable form of lifetimes' BetaGeoFitter._negative_log_likelihood, without penalty) and
    its gradient in the log-parameters, vectorised with numpy (the special functions once per
    distinct frequency, recency and age: Distinct)."""
    r, alpha, a, b = np.exp(log_parameters)
    frequency, recency, age = (_distinct(values) for values in (frequency, recency, age))
    x, repeat = frequency.values, frequency.values > 0
    log_age = age.map(lambda values: np.log(alpha + values))
    log_recency = recency.map(lambda values: np.log(values + alpha))
    a_1 = frequency.map(lambda v: gammaln(r + v) - gammaln(r) + r * np.log(alpha))
    a_2 = frequency.map(lambda v: gammaln(a + b) + gammaln(b + v) - gammaln(b) - gammaln(a + b + v))
    a_3 = -(r + x) * log_age
    log_b_x = frequency.map(lambda v: np.log(b + np.maximum(v, 1) - 1))
    a_4 = np.log(a) - log_b_x - (r + x) * log_recency
    a_4 = np.where(repeat, a_4, -np.inf)
    top = np.maximum(a_3, a_4)
    e_3, e_4 = np.exp(a_3 - top), np.exp(a_4 - top)
    log_likelihood = a_1 + a_2 + np.log(e_3 + e_4) + top
    share_3 = e_3 / (e_3 + e_4)  # weight of the "still alive" term
    share_4 = 1 - share_3
    d_r = (
        frequency.map(lambda v: digamma(r + v) - digamma(r) + np.log(alpha))
        - share_3 * log_age
        - share_4 * log_recency
    )
    d_alpha = (
        r / alpha
        - share_3 * (r + x) / (alpha + age.values)
        - share_4 * (r + x) / (alpha + recency.values)
    )
    d_a = frequency.map(lambda v: digamma(a + b) - digamma(a + b + v)) + share_4 / a
    d_b = frequency.map(
        lambda v: digamma(a + b) + digamma(b + v) - digamma(b) - digamma(a + b + v)
    ) - share_4 / (b + np.maximum(x, 1) - 1)
    total = weights.sum()
    gradient = np.array(
        [
            -(weights * d).sum() / total * value
            for d, value in zip((d_r, d_alpha, d_a, d_b), (r, alpha, a, b), strict=True)
        ]
    )
    return float(-(weights * log_likelihood).sum() / total), gradient


def mbgnbd_negative_log_likelihood(
    log_parameters: np.ndarray,
    frequency: np.ndarray | Distinct,
    recency: np.ndarray | Distinct,
    age: np.ndarray | Distinct,
    weights: np.ndarray,
) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood per customer of the modified BG/NBD (Batislam, Denizel &
    Filiztekin 2007: a customer may also drop out right after the first purchase, so that the
    probability alive of a one-time buyer falls with their age), as lifetimes'
    ModifiedBetaGeoFitter._negative_log_likelihood without penalty, and its gradient in the
    log-parameters (the special functions once per distinct value, as BG/NBD's)."""
    r, alpha, a, b = np.exp(log_parameters)
    frequency, recency, age = (_distinct(values) for values in (frequency, recency, age))
    x = frequency.values
    log_age = age.map(lambda values: np.log(alpha + values))
    log_recency = recency.map(lambda values: np.log(alpha + values))
    a_1 = frequency.map(lambda v: gammaln(r + v) - gammaln(r) + r * np.log(alpha))
    a_2 = frequency.map(
        lambda v: gammaln(a + b) + gammaln(b + v + 1) - gammaln(b) - gammaln(a + b + v + 1)
    )
    a_3 = -(r + x) * log_age
    a_4 = np.log(a) - frequency.map(lambda v: np.log(b + v)) + (r + x) * (log_age - log_recency)
    log_alive_or_not = np.logaddexp(a_4, 0)
    log_likelihood = a_1 + a_2 + a_3 + log_alive_or_not
    share_4 = np.exp(a_4 - log_alive_or_not)  # weight of the "dropped out" term
    d_r = (
        frequency.map(lambda v: digamma(r + v) - digamma(r) + np.log(alpha))
        - log_age
        + share_4 * (log_age - log_recency)
    )
    d_alpha = (
        r / alpha
        - (r + x) / (alpha + age.values)
        + share_4 * (r + x) * (1 / (alpha + age.values) - 1 / (alpha + recency.values))
    )
    d_a = frequency.map(lambda v: digamma(a + b) - digamma(a + b + v + 1)) + share_4 / a
    d_b = frequency.map(
        lambda v: digamma(a + b) + digamma(b + v + 1) - digamma(b) - digamma(a + b + v + 1)
    ) - share_4 / (b + x)
    total = weights.sum()
    gradient = np.array(
        [
            -(weights * d).sum() / total * value
            for d, value in zip((d_r, d_alpha, d_a, d_b), (r, alpha, a, b), strict=True)
        ]
    )
    return float(-(weights * log_likelihood).sum() / total), gradient


def gamma_gamma_negative_log_likelihood(
    log_parameters: np.ndarray,
    frequency: np.ndarray | Distinct,
    spend: np.ndarray | Distinct,
    weights: np.ndarray,
) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood per customer of Gamma-Gamma (Fader & Hardie 2013, as
    lifetimes' GammaGammaFitter._negative_log_likelihood without penalty) and its gradient in
    the log-parameters, vectorised with numpy (the special functions once per distinct
    frequency, the logs of the data once: Distinct)."""
    p, q, v = np.exp(log_parameters)
    frequency, spend = _distinct(frequency), _distinct(spend)
    x, m = frequency.values, spend.values
    px = p * x
    log_total = np.log(x * m + v)
    log_likelihood = (
        frequency.map(lambda f: gammaln(p * f + q) - gammaln(p * f) - gammaln(q) + q * np.log(v))
        + (px - 1) * spend.log
        + px * frequency.log
        - (px + q) * log_total
    )
    d_p = x * (
        frequency.map(lambda f: digamma(p * f + q) - digamma(p * f))
        + spend.log
        + frequency.log
        - log_total
    )
    d_q = frequency.map(lambda f: digamma(p * f + q) - digamma(q) + np.log(v)) - log_total
    d_v = q / v - (px + q) / (x * m + v)
    total = weights.sum()
    gradient = np.array(
        [
            -(weights * d).sum() / total * value
            for d, value in zip((d_p, d_q, d_v), (p, q, v), strict=True)
        ]
    )
    return float(-(weights * log_likelihood).sum() / total), gradient


def _projected_gradient(log_parameters: np.ndarray, gradient: np.ndarray) -> float:
    """Largest gradient component that the bounds do not block."""
    low, high = LOG_PARAMETER_BOUNDS
    blocked = ((log_parameters <= low + BOUND_MARGIN) & (gradient > 0)) | (
        (log_parameters >= high - BOUND_MARGIN) & (gradient < 0)
    )
    return float(np.max(np.abs(np.where(blocked, 0.0, gradient)), initial=0.0))


def _mean_negative_log_likelihood(
    value_and_gradient: Callable[..., tuple[float, np.ndarray]],
    log_parameters: np.ndarray,
    args: tuple[Any, ...],
) -> float:
    with _quiet():
        return value_and_gradient(np.asarray(log_parameters, dtype=float), *args)[0]


def _bounded_multi_start(
    negative_log_likelihood: Callable[..., tuple[float, np.ndarray]],
    args: tuple[Any, ...],
    starts: Sequence[np.ndarray],
    options: dict[str, float] | None = None,
) -> tuple[list[Candidate], str]:
    """L-BFGS-B from every start (scipy's tolerances, or `options`); the converged ones, and a
    word on the others."""
    objective = _finite_objective(negative_log_likelihood, args)
    bounds = [LOG_PARAMETER_BOUNDS] * len(starts[0])
    candidates, failures = [], []
    for number, start in enumerate(starts, start=1):
        x0 = np.clip(start, *LOG_PARAMETER_BOUNDS)
        try:
            with _quiet():
                result = minimize(
                    objective,
                    x0,
                    jac=True,
                    method="L-BFGS-B",
                    bounds=bounds,
                    options={"maxiter": MAX_ITERATIONS, **(options or {})},
                )
                value, gradient = objective(result.x)
        except NumericError as error:
            failures.append(f"start {number}: {type(error).__name__}")
            continue
        projected = _projected_gradient(result.x, gradient)
        if value >= 1e10:
            failures.append(f"start {number}: non-finite likelihood")
        elif result.success or projected < GRADIENT_TOLERANCE:
            candidates.append(
                Candidate("bounded_multi_start", np.asarray(result.x), value, f"start {number}")
            )
        else:
            failures.append(f"start {number}: {result.message} (gradient {projected:.1e})")
    summary = f"{len(candidates)} of {len(starts)} starts converged"
    if failures:
        summary += " (" + "; ".join(failures) + ")"
    return candidates, summary


def _grid_starts(
    negative_log_likelihood: Callable[..., tuple[float, np.ndarray]],
    args: tuple[Any, ...],
    centre: np.ndarray,
    offsets: Sequence[Sequence[float]],
) -> list[np.ndarray]:
    """The moment start, then the GRID_STARTS best points (by likelihood) of a grid of offsets
    around it in log space."""
    grid = [np.clip(centre + np.asarray(offset), *LOG_PARAMETER_BOUNDS) for offset in offsets]
    values = [_mean_negative_log_likelihood(negative_log_likelihood, point, args) for point in grid]
    ranked = sorted(
        (value, position) for position, value in enumerate(values) if np.isfinite(value)
    )
    best = [grid[position] for _, position in ranked]
    return [np.clip(centre, *LOG_PARAMETER_BOUNDS), *best[:GRID_STARTS]]


def _choose(
    candidates: list[Candidate],
    names: Sequence[str],
    unscale: Callable[[np.ndarray], dict[str, float]],
    tried: list[str],
    scores_problem: Callable[[dict[str, float]], str | None] | None = None,
) -> Fit:
    """The best admissible candidate (see the module docstring) whose scores are usable (no
    `scores_problem`), or not_fitted."""
    low, high = LOG_PARAMETER_BOUNDS
    admissible = []
    for candidate in candidates:
        values = np.exp(candidate.log_parameters)
        if not np.isfinite(candidate.mean_negative_log_likelihood):
            tried.append(f"{candidate.method}: non-finite likelihood")
        elif not np.all(np.isfinite(values) & (values > 0)):
            tried.append(f"{candidate.method}: non-finite or zero parameters")
        elif np.any(candidate.log_parameters < low - BOUND_MARGIN) or np.any(
            candidate.log_parameters > high + BOUND_MARGIN
        ):
            outside = ", ".join(
                f"{name} = {value:.3g}"
                for name, value, log_value in zip(
                    names, values, candidate.log_parameters, strict=True
                )
                if not low - BOUND_MARGIN <= log_value <= high + BOUND_MARGIN
            )
            tried.append(f"{candidate.method}: {outside} beyond the bounds (scaled e^-10..e^10)")
        else:
            admissible.append(candidate)
    if not admissible:
        return Fit("not_fitted", "no convergence: " + "; ".join(tried))
    while True:
        best = admissible[0]
        for candidate in admissible[1:]:
            if candidate.mean_negative_log_likelihood < (
                best.mean_negative_log_likelihood - TIE_PER_CUSTOMER
            ):
                best = candidate
        problem = scores_problem(unscale(best.log_parameters)) if scores_problem else None
        if problem is None:
            break
        tried.append(f"{best.method}: {problem}")
        admissible = [candidate for candidate in admissible if candidate is not best]
        if not admissible:
            return Fit("not_fitted", "no usable solution: " + "; ".join(tried))
    at_low = [n for n, x in zip(names, best.log_parameters, strict=True) if x <= low + BOUND_MARGIN]
    at_high = [
        n for n, x in zip(names, best.log_parameters, strict=True) if x >= high - BOUND_MARGIN
    ]
    message = f"fitted by {best.method} ({best.detail})"
    if at_low or at_high:
        where = [
            f"{', '.join(group)} at the {side} bound (scaled e^{bound:g})"
            for group, side, bound in ((at_low, "lower", low), (at_high, "upper", high))
            if group
        ]
        message += (
            "; "
            + " and ".join(where)
            + ": the likelihood rises towards a limit of the model, scored at the bound"
        )
    others = [line for line in tried if not line.startswith(best.method)]
    if others:
        message += "; also tried: " + "; ".join(others)
    return Fit(
        "fitted",
        message,
        best.method,
        unscale(best.log_parameters),
        best.tolerance,
    )


def _lifetimes_candidate(
    fitter: Any,
    data: tuple[np.ndarray, ...],
    options: dict[str, Any],
    log_parameters: Callable[[Any], np.ndarray],
    negative_log_likelihood: Callable[[np.ndarray], float],
    tried: list[str],
) -> tuple[list[Candidate], np.ndarray | None]:
    """lifetimes' own fit as a candidate (or the reason it is none), and its log-parameters as a
    start for the bounded fit (also when they lie beyond the bounds)."""
    try:
        with _quiet():
            tolerance = _fit(fitter, *data, **options)
    except NumericError as error:
        text = str(error).strip().splitlines()[0] if str(error).strip() else ""
        tried.append(f"lifetimes: {type(error).__name__} {text}".strip())
        return [], None
    found = log_parameters(fitter)
    value = negative_log_likelihood(found)
    detail = f"BFGS, gradient tolerance {tolerance:g}"
    return [Candidate("lifetimes", found, value, detail, tolerance)], found


def _bgnbd_patterns(summary: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Customers with the same (frequency, recency, T) once, with their count as weight."""
    patterns = (
        summary.astype({column: float for column in BGNBD_INPUTS})
        .groupby(list(BGNBD_INPUTS), sort=True)
        .size()
        .reset_index(name="customers")
    )
    frequency, recency, age = (patterns[column].to_numpy() for column in BGNBD_INPUTS)
    return frequency, recency, age, patterns["customers"].to_numpy().astype(float)


def _bgnbd_moments(frequency: np.ndarray, age: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Log (r, alpha, a, b) from moments, time scaled so the oldest customer's age is 1: the
    gamma's mean and variance from x / T (less the Poisson part of its variance), dropout as a
    beta with mean 1/4 and a + b = 4 (dropout is not observed directly)."""
    old = age > 0
    rate = frequency[old] / age[old]
    w = weights[old]
    mean = max(float(np.average(rate, weights=w)), 1e-3)
    poisson = float(np.average(rate / age[old], weights=w))
    variance = max(float(np.average((rate - mean) ** 2, weights=w)) - poisson, 0.1 * mean**2)
    alpha = mean / variance
    return np.log([mean * alpha, alpha, 1.0, 3.0])


def distinct_pairs(frequency: np.ndarray, age: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (x, T), as x + iT, and each customer's index: all that 2F1 depends on, found
    once per scoring and passed to expected_purchases at each horizon (customer_predictions has
    the same function)."""
    values = np.asarray(frequency, dtype=float) + 1j * np.asarray(age, dtype=float)
    pairs, customer_pair = np.unique(values, return_inverse=True)
    return pairs, customer_pair.reshape(-1)


def expected_purchases(
    t: float,
    frequency: np.ndarray,
    age: np.ndarray,
    p_alive: np.ndarray,
    r: float,
    alpha: float,
    a: float,
    b: float,
    model: str = "bgnbd",
    distinct: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Conditional expected purchase days in the next t periods under BG/NBD or the modified
    BG/NBD, as customer_predictions computes them (the same function; see its docstring, a
    pytest checks they agree)."""
    shift = 1 if model == "mbgnbd" else 0
    pairs, customer_pair = distinct_pairs(frequency, age) if distinct is None else distinct
    x, z = pairs.real, t / (alpha + pairs.imag + t)
    c = a + b + x - 1 + shift
    with np.errstate(all="ignore"):  # where the direct form overflows, Euler's is taken
        term = hyp2f1(r + x, b + x + shift, c, z) * (1 - z) ** (r + x)
        failed = ~np.isfinite(term)
        term[failed] = hyp2f1(a + b - 1 - r + shift, a - 1, c[failed], z[failed]) * (
            1 - z[failed]
        ) ** (a - 1)
    return (c / (a - 1) * (1 - term))[customer_pair] * p_alive


@dataclass(frozen=True)
class PurchaseModel:
    """A model of purchase days fitted here: its name (the value of the var prediction_model),
    how the docs call it, the prefix of its parameter columns (r, alpha, a, b), lifetimes'
    fitter and the likelihood of the bounded fit."""

    name: str
    label: str
    parameter_prefix: str
    fitter: Callable[..., Any]
    negative_log_likelihood: Callable[..., tuple[float, np.ndarray]]


PURCHASE_MODELS = {
    "bgnbd": PurchaseModel("bgnbd", "BG/NBD", "", BetaGeoFit, bgnbd_negative_log_likelihood),
    "mbgnbd": PurchaseModel(
        "mbgnbd",
        "modified BG/NBD",
        "mbgnbd_",
        ModifiedBetaGeoFit,
        mbgnbd_negative_log_likelihood,
    ),
}


def probability_alive(
    model: str,
    frequency: np.ndarray,
    recency: np.ndarray,
    age: np.ndarray,
    parameters: dict[str, float],
) -> np.ndarray:
    """P(alive) under `model` with lifetimes' own formula (BG/NBD: 1 without repeat purchases;
    modified BG/NBD: falls with the age of a one-time buyer)."""
    fitter = PURCHASE_MODELS[model].fitter()
    fitter.params_ = pd.Series({name: parameters[name] for name in BGNBD_PARAMETERS})
    with _quiet():
        return np.asarray(fitter.conditional_probability_alive(frequency, recency, age), float)


def _scores_problem(
    model: str,
    parameters: dict[str, float],
    patterns: tuple[np.ndarray, ...],
    horizons: Sequence[float],
) -> str | None:
    """Why these parameters cannot score every customer (as customer_predictions does), if so:
    near some limits of the model the formulas lose all precision (e.g. a and b both near 0, or
    a near 1)."""
    frequency, recency, age, weights = patterns
    with _quiet():
        p_alive = probability_alive(model, frequency, recency, age, parameters)
        bad = ~np.isfinite(p_alive) | (p_alive < 0) | (p_alive > 1)
        distinct = distinct_pairs(frequency, age)
        for horizon in horizons:
            expected = expected_purchases(
                horizon, frequency, age, p_alive, **parameters, model=model, distinct=distinct
            )
            bad |= ~np.isfinite(expected) | (expected < 0)
    if not bad.any():
        return None
    return (
        f"scores not finite or out of range for {int(weights[bad].sum())} customers"
        f" at r = {parameters['r']:.3g}, alpha = {parameters['alpha']:.3g},"
        f" a = {parameters['a']:.3g}, b = {parameters['b']:.3g}"
    )


def fit_purchase_model(
    summary: pd.DataFrame,
    horizons: Sequence[float],
    model: str = "bgnbd",
    start: dict[str, float] | None = None,
) -> tuple[Fit, float | None]:
    """The parameters r, alpha (in the time unit), a, b of `model` (bgnbd or mbgnbd) fitted on
    every customer, with the fit status, method and message (module docstring), and the
    log-likelihood. The parameters must score every customer with finite values over each of
    the `horizons` (in the time unit).

    With `start` (parameters r, alpha, a, b, as the back-test passes the full fit's) the fit is
    the warm start of the module docstring: no lifetimes fit and no grid.

    The likelihood depends on a customer only through (frequency, recency, T), so customers with
    the same three are fitted once with their count as weight, as Fader and Hardie do: the same
    likelihood, in about half the time on a million customers.
    """
    spec = PURCHASE_MODELS[model]
    customers = len(summary)
    repeat_buyers = int((summary["bgnbd_frequency"] > 0).sum()) if customers else 0
    oldest = float(summary["bgnbd_t"].max()) if customers else 0.0
    reason = None
    if customers < BGNBD_MIN_CUSTOMERS:
        reason = f"too few customers with a purchase: {customers} (at least {BGNBD_MIN_CUSTOMERS})"
    elif repeat_buyers == 0:
        reason = "no repeat buyers: every customer bought on one day only"
    elif repeat_buyers < BGNBD_MIN_REPEAT_BUYERS:
        reason = f"too few repeat buyers: {repeat_buyers} (at least {BGNBD_MIN_REPEAT_BUYERS})"
    elif not oldest > 0:
        reason = "every customer's first purchase is on the as-of date (T = 0)"
    if reason:
        return Fit("not_fitted", reason), None

    frequency, recency, age, weights = _bgnbd_patterns(summary)
    scale = 1.0 / oldest  # as lifetimes scales time: the oldest customer's age is 1
    # the likelihood's arguments, each with its distinct values
    scaled = (Distinct(frequency), Distinct(recency * scale), Distinct(age * scale), weights)

    def negative_log_likelihood(log_parameters: np.ndarray) -> float:
        return _mean_negative_log_likelihood(spec.negative_log_likelihood, log_parameters, scaled)

    def scaled_log(parameters: Any) -> np.ndarray:
        """Log (r, alpha, a, b) in the scaled time of the fit, from parameters in the time unit."""
        r, alpha, a, b = (float(parameters[name]) for name in BGNBD_PARAMETERS)
        return np.log([r, alpha * scale, a, b])

    def from_lifetimes(fitter: Any) -> np.ndarray:
        return scaled_log(fitter.params_)

    tried: list[str] = []
    moments = _bgnbd_moments(frequency, age * scale, weights)
    if start is None:
        candidates, found = _lifetimes_candidate(
            spec.fitter(penalizer_coef=0.0),
            (frequency, recency, age),
            {"weights": weights},
            from_lifetimes,
            negative_log_likelihood,
            tried,
        )
        offsets = [
            (dr, dr, da, db)
            for dr in (-1.0, 0.0, 1.0)
            for da in (-2.0, 0.0, 1.5)
            for db in (-1.0, 1.0)
        ]
        starts = _grid_starts(spec.negative_log_likelihood, scaled, moments, offsets)
        starts.append(np.full(4, 0.1))  # lifetimes' start
        if found is not None:
            starts.append(found)
    else:
        # a warm start (the back-test's, from the full fit): the moments, lifetimes' start and
        # the given parameters
        candidates = []
        starts = [
            np.clip(moments, *LOG_PARAMETER_BOUNDS),
            np.full(4, 0.1),
            np.clip(scaled_log(start), *LOG_PARAMETER_BOUNDS),
        ]
    bounded, summary_text = _bounded_multi_start(spec.negative_log_likelihood, scaled, starts)
    tried.append(f"bounded_multi_start: {summary_text}")
    candidates += [
        Candidate(c.method, c.log_parameters, c.mean_negative_log_likelihood, summary_text)
        for c in bounded
    ]
    if start is not None and bounded:
        # the best end point polished to tight tolerances, first in line (a tie goes to it); on
        # a ridge of the likelihood it may walk to where the scores lose precision, and then
        # the unpolished end points remain
        best = min(bounded, key=lambda c: c.mean_negative_log_likelihood)
        polished, polish_text = _bounded_multi_start(
            spec.negative_log_likelihood, scaled, [best.log_parameters], POLISH_OPTIONS
        )
        candidates = [
            Candidate(
                c.method,
                c.log_parameters,
                c.mean_negative_log_likelihood,
                f"{summary_text}; the best polished",
            )
            for c in polished
        ] + candidates
        if not polished:
            tried.append(f"polish: {polish_text}")

    def unscale(log_parameters: np.ndarray) -> dict[str, float]:
        r, alpha, a, b = (float(value) for value in np.exp(log_parameters))
        return {"r": r, "alpha": alpha / scale, "a": a, "b": b}

    fit = _choose(
        candidates,
        BGNBD_PARAMETERS,
        unscale,
        tried,
        lambda parameters: _scores_problem(
            model, parameters, (frequency, recency, age, weights), horizons
        ),
    )
    log_likelihood = None
    if fit.parameters is not None:
        # in the project's time unit, so that it is comparable with the literature (CDNOW in
        # weeks: -9582.4); the scaled likelihood differs by a constant
        mean = _mean_negative_log_likelihood(
            spec.negative_log_likelihood,
            np.log([fit.parameters[name] for name in BGNBD_PARAMETERS]),
            (frequency, recency, age, weights),
        )
        log_likelihood = -mean * customers
        if not np.isfinite(log_likelihood):
            fit = Fit("not_fitted", f"non-finite log-likelihood after {fit.message}")
            log_likelihood = None
    return fit, log_likelihood


def fit_bgnbd(
    summary: pd.DataFrame, horizons: Sequence[float], model: str = "bgnbd"
) -> dict[str, Any]:
    """The columns of one purchase model (fit_purchase_model): its parameters and fit status."""
    return _purchase_model_row(model, *fit_purchase_model(summary, horizons, model))


def _purchase_model_row(model: str, fit: Fit, log_likelihood: float | None) -> dict[str, Any]:
    prefix = PURCHASE_MODELS[model].parameter_prefix
    parameters = fit.parameters or dict.fromkeys(BGNBD_PARAMETERS)
    return {
        **{prefix + name: value for name, value in parameters.items()},
        f"{model}_log_likelihood": log_likelihood,
        f"{model}_fit_status": fit.status,
        f"{model}_fit_method": fit.method,
        f"{model}_fit_message": fit.message,
        f"{model}_fit_tolerance": fit.tolerance,
    }


def _bgnbd_row(fit: Fit, log_likelihood: float | None) -> dict[str, Any]:
    return _purchase_model_row("bgnbd", fit, log_likelihood)


# The back-test's mean absolute error of the modified BG/NBD may exceed BG/NBD's by this share
# and still count as a tie, which the modified BG/NBD wins: it is the model in which one-time
# buyers fade.
BACKTEST_TIE_SHARE = 0.01


def holdout_error(
    model: str,
    parameters: dict[str, float],
    calibrated: pd.DataFrame,
    holdout_periods: float,
) -> float:
    """Mean absolute error per customer of `model`'s expected purchase days over the holdout
    period against the purchase days made in it (rows of int_customers_calibrated)."""
    frequency, recency, age = (
        calibrated[column].astype(float).to_numpy() for column in BGNBD_INPUTS
    )
    p_alive = probability_alive(model, frequency, recency, age, parameters)
    predicted = expected_purchases(
        holdout_periods, frequency, age, p_alive, **parameters, model=model
    )
    actual = calibrated["holdout_purchases"].astype(float).to_numpy()
    return float(np.mean(np.abs(predicted - actual)))


def backtest_purchase_model(
    calibrated: pd.DataFrame,
    holdout_periods: float,
    model: str,
    start: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Fit `model` on the calibration period (rows of int_customers_calibrated: bgnbd_frequency,
    bgnbd_recency, bgnbd_t at the calibration end, and holdout_purchases after it), predict each
    customer's purchase days over the holdout period and compare: the columns backtest_<model>_r,
    _alpha, _a, _b, _fit_status, _fit_message and _mean_absolute_error (per customer). With
    `start` (the full fit's parameters) the fit is the warm start of the module docstring
    (fit_purchase_model); it falls back to the whole procedure when that
    finds no usable solution."""
    prefix = f"backtest_{model}_"
    if len(calibrated) == 0 or not holdout_periods > 0:
        fit = Fit(
            "not_fitted",
            "no back-test: no customer bought before the calibration end date"
            if len(calibrated) == 0
            else "no back-test: the calibration end date is not before the as-of date",
        )
        error = None
    else:
        fit, _ = fit_purchase_model(calibrated, (holdout_periods,), model, start)
        if start is not None and fit.parameters is None:
            fit, _ = fit_purchase_model(calibrated, (holdout_periods,), model)
        error = None
        if fit.parameters is not None:
            error = holdout_error(model, fit.parameters, calibrated, holdout_periods)
    parameters = fit.parameters or dict.fromkeys(BGNBD_PARAMETERS)
    return {
        **{prefix + name: value for name, value in parameters.items()},
        prefix + "fit_status": fit.status,
        prefix + "fit_message": fit.message,
        prefix + "mean_absolute_error": error,
    }


def choose_purchase_model(setting: str, row: dict[str, Any]) -> tuple[str | None, str]:
    """The model that scores the customers and why: the one the var prediction_model names, or
    with `auto` the fitted one whose back-test has the lower mean absolute error (a tie within
    BACKTEST_TIE_SHARE, or no back-test, goes to the modified BG/NBD)."""
    labels = {name: spec.label for name, spec in PURCHASE_MODELS.items()}
    if setting != "auto":
        if row[f"{setting}_fit_status"] == "fitted":
            return setting, f"the var prediction_model is {setting}"
        return None, f"the var prediction_model is {setting}, which is not fitted"
    fitted = [name for name in PURCHASE_MODELS if row[f"{name}_fit_status"] == "fitted"]
    if not fitted:
        return None, "auto: no model is fitted"
    if len(fitted) == 1:
        return fitted[0], f"auto: only the {labels[fitted[0]]} is fitted"
    errors = {name: row[f"backtest_{name}_mean_absolute_error"] for name in fitted}
    if any(error is None or not np.isfinite(error) for error in errors.values()):
        return "mbgnbd", (
            "auto: no back-test of both models, so the modified BG/NBD, in which one-time"
            " buyers fade"
        )
    chosen = "mbgnbd" if errors["mbgnbd"] <= errors["bgnbd"] * (1 + BACKTEST_TIE_SHARE) else "bgnbd"
    return chosen, (
        f"auto: holdout mean absolute error per customer {errors['mbgnbd']:.4f} (modified"
        f" BG/NBD) against {errors['bgnbd']:.4f} (BG/NBD); the {labels[chosen]} back-tests"
        + (" as well or better" if chosen == "mbgnbd" else " better")
    )


def fit_gamma_gamma(repeat_buyers: pd.DataFrame) -> dict[str, Any]:
    """Gamma-Gamma parameters p, q, v fitted on repeat buyers with a positive average spend, with
    the fit status, method and message (module docstring)."""
    frequency, spend = (
        repeat_buyers[column].astype(float).to_numpy()
        for column in ("bgnbd_frequency", "average_repeat_spend")
    )
    correlation = None
    if len(spend) >= 2 and np.ptp(spend) > 0 and np.ptp(frequency) > 0:
        correlation = float(np.corrcoef(frequency, spend)[0, 1])
    reason = None
    if len(spend) < GAMMA_GAMMA_MIN_REPEAT_BUYERS:
        reason = (
            f"too few repeat buyers with a positive spend: {len(spend)}"
            f" (at least {GAMMA_GAMMA_MIN_REPEAT_BUYERS})"
        )
    elif not np.ptp(spend) > 0:
        reason = (
            "no spread of spend per purchase: every repeat buyer's average repeat spend is"
            f" {spend[0]:g}, which the model cannot tell apart from any mix of spend levels"
        )
    if reason:
        return _gamma_gamma_row(Fit("not_fitted", reason), None, correlation)

    customers = len(spend)
    scale = 1.0 / float(np.mean(spend))  # spend in units of its mean for the bounded fit
    # customers with the same (frequency, spend) once, with their count as weight (as BG/NBD)
    patterns = (
        pd.DataFrame({"frequency": frequency, "spend": spend})
        .groupby(["frequency", "spend"], sort=True)
        .size()
        .reset_index(name="customers")
    )
    frequency, spend = patterns["frequency"].to_numpy(), patterns["spend"].to_numpy()
    weights = patterns["customers"].to_numpy().astype(float)
    scaled = (Distinct(frequency), Distinct(spend * scale), weights)

    def negative_log_likelihood(log_parameters: np.ndarray) -> float:
        return _mean_negative_log_likelihood(
            gamma_gamma_negative_log_likelihood, log_parameters, scaled
        )

    def from_lifetimes(fitter: Any) -> np.ndarray:
        p, q, v = (float(fitter.params_[name]) for name in GAMMA_GAMMA_PARAMETERS)
        return np.log([p, q, v * scale])

    tried: list[str] = []
    candidates, found = _lifetimes_candidate(
        GammaGammaFit(penalizer_coef=0.0),
        (frequency, spend),
        {"weights": weights},
        from_lifetimes,
        negative_log_likelihood,
        tried,
    )
    offsets = [(dp, dq, dq) for dp in (-1.5, 0.0, 1.5) for dq in (-1.0, 0.0, 1.0)]
    starts = _grid_starts(
        gamma_gamma_negative_log_likelihood,
        scaled,
        _gamma_gamma_moments(frequency, spend * scale, weights),
        offsets,
    )
    starts.append(np.full(3, 0.1))  # lifetimes' start
    if found is not None:
        starts.append(found)
    bounded, summary_text = _bounded_multi_start(
        gamma_gamma_negative_log_likelihood, scaled, starts
    )
    tried.append(f"bounded_multi_start: {summary_text}")
    candidates += [
        Candidate(c.method, c.log_parameters, c.mean_negative_log_likelihood, summary_text)
        for c in bounded
    ]

    def unscale(log_parameters: np.ndarray) -> dict[str, float]:
        p, q, v = (float(value) for value in np.exp(log_parameters))
        return {"p": p, "q": q, "v": v / scale}

    fit = _choose(candidates, GAMMA_GAMMA_PARAMETERS, unscale, tried)
    log_likelihood = None
    if fit.parameters is not None:
        mean = _mean_negative_log_likelihood(
            gamma_gamma_negative_log_likelihood,
            np.log([fit.parameters[name] for name in GAMMA_GAMMA_PARAMETERS]),
            (frequency, spend, weights),
        )
        log_likelihood = -mean * customers
        if not np.isfinite(log_likelihood):
            fit = Fit("not_fitted", f"non-finite log-likelihood after {fit.message}")
            log_likelihood = None
        elif fit.parameters["q"] <= 1:
            fit = Fit(
                fit.status,
                fit.message + "; q <= 1: the population mean spend is infinite, so"
                " expected_spend_per_purchase is null",
                fit.method,
                fit.parameters,
                fit.tolerance,
            )
    return _gamma_gamma_row(fit, log_likelihood, correlation)


def _gamma_gamma_moments(
    frequency: np.ndarray, spend: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Log (p, q, v) from moments of the spend (scaled to mean 1): the spread of the average
    spend across customers, less the part that p * x purchases explain at p = 4, gives q through
    the inverse gamma's squared coefficient of variation 1 / (q - 2); v then matches the mean."""
    p = 4.0
    mean = float(np.average(spend, weights=weights))
    squared_cv = float(np.average((spend - mean) ** 2, weights=weights)) / mean**2
    between = max(squared_cv - float(np.average(1 / (p * frequency), weights=weights)), 0.05)
    q = 2.0 + 1.0 / between
    v = mean * (q - 1) / p
    return np.log([p, q, v])


def _gamma_gamma_row(
    fit: Fit, log_likelihood: float | None, correlation: float | None
) -> dict[str, Any]:
    parameters = fit.parameters or dict.fromkeys(GAMMA_GAMMA_PARAMETERS)
    return {
        **parameters,
        "gamma_gamma_log_likelihood": log_likelihood,
        "gamma_gamma_fit_status": fit.status,
        "gamma_gamma_fit_method": fit.method,
        "gamma_gamma_fit_message": fit.message,
        "gamma_gamma_fit_tolerance": fit.tolerance,
        "frequency_spend_correlation": correlation,
    }


def _purchase_model_columns(model: str) -> dict[str, str]:
    prefix = PURCHASE_MODELS[model].parameter_prefix
    return {
        **{prefix + name: "float64" for name in BGNBD_PARAMETERS},
        f"{model}_log_likelihood": "float64",
        f"{model}_fit_status": "object",
        f"{model}_fit_method": "object",
        f"{model}_fit_message": "object",
        f"{model}_fit_tolerance": "float64",
    }


def _backtest_columns(model: str) -> dict[str, str]:
    prefix = f"backtest_{model}_"
    return {
        **{prefix + name: "float64" for name in BGNBD_PARAMETERS},
        prefix + "fit_status": "object",
        prefix + "fit_message": "object",
        prefix + "mean_absolute_error": "float64",
    }


COLUMNS = {
    "parameter_set": "object",
    "as_of_date": "object",
    "fitted_as_of_date": "object",
    "is_refitted": "bool",
    "fit_settings": "object",
    "prediction_time_unit": "object",
    "days_per_period": "int64",
    "prediction_model": "object",
    "prediction_model_reason": "object",
    **_purchase_model_columns("bgnbd"),
    "bgnbd_customers": "int64",
    "bgnbd_repeat_buyers": "int64",
    **_purchase_model_columns("mbgnbd"),
    "p": "float64",
    "q": "float64",
    "v": "float64",
    "gamma_gamma_log_likelihood": "float64",
    "gamma_gamma_fit_status": "object",
    "gamma_gamma_fit_method": "object",
    "gamma_gamma_fit_message": "object",
    "gamma_gamma_fit_tolerance": "float64",
    "frequency_spend_correlation": "float64",
    "gamma_gamma_customers": "int64",
    "calibration_end_date": "object",
    "backtest_holdout_days": "int64",
    "backtest_customers": "int64",
    **_backtest_columns("bgnbd"),
    **_backtest_columns("mbgnbd"),
}


def fit_parameters(summary: pd.DataFrame, horizons: Sequence[float]) -> dict[str, Any]:
    """The purchase models (BG/NBD and the modified BG/NBD) and Gamma-Gamma fitted on the rows of
    `int_customers_summarised` (bgnbd_frequency, bgnbd_recency, bgnbd_t, average_repeat_spend):
    the model's columns of the three models, from r to gamma_gamma_customers. `horizons` are the
    prediction horizons customer_predictions scores, in the time unit. Pure, so that tests can
    call it on generated data; never raises for reasons of the data."""
    repeat_buyers = summary[
        (summary["bgnbd_frequency"] > 0) & (summary["average_repeat_spend"] > 0)
    ]
    return {
        **fit_bgnbd(summary, horizons, "bgnbd"),
        "bgnbd_customers": len(summary),
        "bgnbd_repeat_buyers": int((summary["bgnbd_frequency"] > 0).sum()),
        **fit_bgnbd(summary, horizons, "mbgnbd"),
        **fit_gamma_gamma(repeat_buyers),
        "gamma_gamma_customers": len(repeat_buyers),
    }


def backtest(
    calibrated: pd.DataFrame, holdout_periods: float, fitted: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The back-test columns of both purchase models (backtest_purchase_model), each fit
    starting from the full fit's parameters when `fitted` (the columns of fit_parameters) has
    them."""
    row: dict[str, Any] = {"backtest_customers": len(calibrated)}
    for model, spec in PURCHASE_MODELS.items():
        start = None
        if fitted is not None and fitted.get(f"{model}_fit_status") == "fitted":
            start = {name: float(fitted[spec.parameter_prefix + name]) for name in BGNBD_PARAMETERS}
        row.update(backtest_purchase_model(calibrated, holdout_periods, model, start))
    return row


SWITCHED_OFF = "not fitted: the var segmentation_using_predictions is false"


def switched_off_parameters(summary: pd.DataFrame) -> dict[str, Any]:
    """The columns from r to gamma_gamma_customers when the fit is switched off: every model not
    fitted, with a message naming the var, and the customers counted as for a fit."""
    repeat_buyers = summary[
        (summary["bgnbd_frequency"] > 0) & (summary["average_repeat_spend"] > 0)
    ]
    switched_off = Fit("not_fitted", SWITCHED_OFF)
    return {
        **_purchase_model_row("bgnbd", switched_off, None),
        "bgnbd_customers": len(summary),
        "bgnbd_repeat_buyers": int((summary["bgnbd_frequency"] > 0).sum()),
        **_purchase_model_row("mbgnbd", switched_off, None),
        **_gamma_gamma_row(switched_off, None, None),
        "gamma_gamma_customers": len(repeat_buyers),
    }


def switched_off_backtest(calibrated: pd.DataFrame) -> dict[str, Any]:
    """The back-test columns when the fit is switched off."""
    row: dict[str, Any] = {"backtest_customers": len(calibrated)}
    for model in PURCHASE_MODELS:
        prefix = f"backtest_{model}_"
        row.update({prefix + name: None for name in BGNBD_PARAMETERS})
        row.update(
            {
                prefix + "fit_status": "not_fitted",
                prefix + "fit_message": SWITCHED_OFF,
                prefix + "mean_absolute_error": None,
            }
        )
    return row


def fit_settings(settings: Any) -> str:
    """The settings a stored fit depends on, as text: a stored fit is reused only under the
    same ones."""
    return (
        "|".join(
            f"{name}={settings[name]}"
            for name in (
                "prediction_time_unit",
                "prediction_horizon_days",
                "prediction_model",
                "clv_horizon_months",
                "is_fit_enabled",
            )
        )
        + f"|calibration_days={int(settings['backtest_holdout_days'])}"
    )


def reusable(previous: Any, settings: Any) -> bool:
    """Whether the stored row `previous` scores this build: its parameters were fitted fewer
    than prediction_refit_days days before this as-of date (and not after it), under the same
    settings, and no refit was asked for (var prediction_refit)."""
    refit_days = int(settings["prediction_refit_days"])
    if previous is None or refit_days <= 0 or bool(settings["is_refit_requested"]):
        return False
    as_of = pd.Timestamp(settings["as_of_date"]).date()
    fitted = pd.Timestamp(previous["fitted_as_of_date"]).date()
    age = (as_of - fitted).days
    if previous["fit_settings"] != fit_settings(settings) or not 0 <= age < refit_days:
        return False
    return not pd.isna(previous["prediction_model"])


def reused_row(previous: Any, settings: Any, calibrated: pd.DataFrame) -> dict[str, Any]:
    """The stored parameters for this build: every fitted figure kept (the chosen model and its
    reason too), the back-test's errors measured again with the stored calibration fits on this
    build's split (scoring only)."""
    row = {name: previous[name] for name in COLUMNS}
    days_per_period = float(settings["days_per_period"])
    holdout_days = int(settings["backtest_holdout_days"])
    row.update(
        {
            "as_of_date": pd.Timestamp(settings["as_of_date"]).date(),
            "fitted_as_of_date": pd.Timestamp(previous["fitted_as_of_date"]).date(),
            "is_refitted": False,
            "calibration_end_date": pd.Timestamp(settings["calibration_end_date"]).date(),
            "backtest_holdout_days": holdout_days,
            "backtest_customers": len(calibrated),
        }
    )
    holdout_periods = holdout_days / days_per_period
    for model in PURCHASE_MODELS:
        prefix = f"backtest_{model}_"
        if row[prefix + "fit_status"] != "fitted" or len(calibrated) == 0:
            row[prefix + "mean_absolute_error"] = None
            continue
        parameters = {name: float(row[prefix + name]) for name in BGNBD_PARAMETERS}
        row[prefix + "mean_absolute_error"] = holdout_error(
            model, parameters, calibrated, holdout_periods
        )
    return row


def model(dbt: Any, session: Any) -> pd.DataFrame:
    # one row, replaced at every build (delete+insert on the constant parameter_set); kept
    # between builds so that a stored fit can be reused (var prediction_refit_days)
    # (a table built before the column existed gets it, and loses its old row in the post-hook
    # of the yml)
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="parameter_set",
        on_schema_change="sync_all_columns",
    )
    # sorted, so that the same data always gives the same floating-point sums and parameters
    calibrated = dbt.ref("int_customers_calibrated").df().sort_values("customer_id")
    settings = dbt.ref("int_prediction_settings_resolved").df().iloc[0]
    previous = None
    if dbt.is_incremental:
        stored = session.sql(f"select * from {dbt.this}").df()
        if len(stored) == 1 and set(COLUMNS) <= set(stored.columns):
            previous = stored.iloc[0]
    if reusable(previous, settings):
        # the stored parameters score this build: the customers' figures are not read
        frame = pd.DataFrame([reused_row(previous, settings, calibrated)], columns=list(COLUMNS))
        return frame.astype(COLUMNS)
    summary = dbt.ref("int_customers_summarised").df().sort_values("customer_id")
    days_per_period = float(settings["days_per_period"])
    # the horizons customer_predictions scores: the var's, the fixed 90 days and the months of
    # the customer lifetime value
    horizons = (
        float(settings["prediction_horizon_periods"]),
        90.0 / days_per_period,
        *(
            month * DAYS_PER_MONTH / days_per_period
            for month in range(1, int(settings["clv_horizon_months"]) + 1)
        ),
    )
    holdout_days = int(settings["backtest_holdout_days"])
    enabled = bool(settings["is_fit_enabled"])
    as_of = pd.Timestamp(settings["as_of_date"]).date()
    fitted = fit_parameters(summary, horizons) if enabled else switched_off_parameters(summary)
    row = {
        "parameter_set": "current",
        "as_of_date": as_of,
        "fitted_as_of_date": as_of,
        "is_refitted": True,
        "fit_settings": fit_settings(settings),
        "prediction_time_unit": settings["prediction_time_unit"],
        "days_per_period": int(settings["days_per_period"]),
        **fitted,
        "calibration_end_date": pd.Timestamp(settings["calibration_end_date"]).date(),
        "backtest_holdout_days": holdout_days,
        **(
            backtest(calibrated, holdout_days / days_per_period, fitted)
            if enabled
            else switched_off_backtest(calibrated)
        ),
    }
    if enabled:
        row["prediction_model"], row["prediction_model_reason"] = choose_purchase_model(
            str(settings["prediction_model"]), row
        )
    else:
        row["prediction_model"], row["prediction_model_reason"] = None, SWITCHED_OFF
    frame = pd.DataFrame([row], columns=list(COLUMNS))
    return frame.astype(COLUMNS)
