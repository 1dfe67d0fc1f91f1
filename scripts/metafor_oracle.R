#!/usr/bin/env Rscript
# Oracle figures for the meta-analysis module, from R's metafor (Viechtbauer 2010) and an
# independent direct maximisation of the (restricted) likelihood in R.
#
#   Rscript scripts/metafor_oracle.R > tests/data/metafor_oracle.json
#
# Data: the three cases of the issue "Honest readings and honest pooled figures" where a
# local iteration stops at a lower maximum, and 200 random data sets (seed 20261128): k from
# 2 to 12, effects on scales from 1e-4 to 1e4 with a common offset, variances spread over up
# to four orders of magnitude, and some with a dominant precise study.
#
# Paule-Mandel is solved directly by bisection to 1e-15 (metafor's uniroot stops near 1e-4).
# For ML and REML the likelihood is also maximised directly (a grid of 400 points on a log
# scale plus optimize() in the best cell, boundary tau2 = 0 included); where that finds a
# higher likelihood than metafor's Fisher scoring, the direct optimum is the oracle and the
# record says so ("source": "direct"). Either optimum is polished by bisection on the score. The tests require crosscheck to agree with the oracle
# to 1e-6 (relative) on tau2 and the estimate.
suppressMessages(library(metafor))
set.seed(20261128)

ll <- function(y, v, t2, reml) {
  w <- 1 / (v + t2); mu <- sum(w * y) / sum(w)
  l <- -0.5 * sum(log(v + t2)) - 0.5 * sum(w * (y - mu)^2)
  if (reml) l - 0.5 * log(sum(w)) else l
}

direct <- function(y, v, reml) {
  upper <- 10 * (diff(range(y))^2 + max(v))
  grid <- c(0, upper * 10^seq(-12, 0, length.out = 400))
  vals <- sapply(grid, function(t) ll(y, v, t, reml))
  b <- which.max(vals)
  lo <- grid[max(1, b - 1)]; hi <- grid[min(length(grid), b + 1)]
  o <- optimize(function(t) ll(y, v, t, reml), c(lo, hi), maximum = TRUE, tol = 1e-13 * hi)
  best <- if (o$objective > vals[b]) o$maximum else grid[b]
  if (ll(y, v, 0, reml) >= ll(y, v, best, reml)) 0 else best
}

# The score of ML/REML in tau2 (Viechtbauer 2005): a root is a stationary point. Used to
# polish an optimum to full precision (metafor stops at an absolute threshold, which at tau2
# near 1e-9 leaves a relative error near 1e-5).
score <- function(y, v, t, reml) {
  w <- 1 / (v + t); mu <- sum(w * y) / sum(w); r <- y - mu
  s <- sum(w^2 * r^2)
  if (reml) s - (sum(w) - sum(w^2) / sum(w)) else s - sum(w)
}
polish <- function(y, v, t, reml) {
  if (is.na(t) || t <= 0) return(t)
  lo <- t / 2; hi <- t * 2
  if (score(y, v, lo, reml) <= 0 || score(y, v, hi, reml) >= 0) return(t)
  for (i in 1:300) { m <- (lo + hi) / 2; if (score(y, v, m, reml) > 0) lo <- m else hi <- m; if (hi - lo <= 1e-15 * hi) break }
  (lo + hi) / 2
}

num <- function(x) if (is.na(x) || !is.finite(x)) "null" else sprintf("%.17g", x)

# Paule-Mandel directly: the root of Q(tau2) - (k - 1), Q decreasing in tau2 (metafor's own
# PM root-finder stops at uniroot's default tolerance, about 1e-4 absolute).
pm <- function(y, v) {
  g <- function(t) { w <- 1 / (v + t); mu <- sum(w * y) / sum(w); sum(w * (y - mu)^2) - (length(y) - 1) }
  if (g(0) <= 0) return(0)
  hi <- 1; while (g(hi) > 0) hi <- hi * 2
  lo <- 0
  for (i in 1:2000) { m <- (lo + hi) / 2; if (g(m) > 0) lo <- m else hi <- m; if (hi - lo <= 1e-15 * hi) break }
  (lo + hi) / 2
}

fit_all <- function(name, y, v) {
  out <- c()
  for (m in c("FE", "DL", "PM", "REML", "ML")) {
    f <- tryCatch(rma(y, v, method = m, control = list(maxiter = 10000, threshold = 1e-14, stepadj = 0.5)),
                  error = function(e) NULL)
    t2 <- if (is.null(f)) NA else f$tau2
    src <- "metafor"
    if (m == "PM") {
      d <- pm(y, v)
      if (is.na(t2) || abs(d - t2) > 1e-9 * (d + min(v))) { t2 <- d; src <- "direct" }
    }
    if (m %in% c("REML", "ML")) {
      reml <- m == "REML"
      d <- polish(y, v, direct(y, v, reml), reml)
      t2 <- polish(y, v, t2, reml)
      if (is.na(t2) || ll(y, v, d, reml) > ll(y, v, t2, reml) + 1e-12 * abs(ll(y, v, t2, reml))) {
        t2 <- d; src <- "direct"
      }
    }
    if (is.na(t2)) next
    w <- 1 / (v + t2); est <- sum(w * y) / sum(w)
    out <- c(out, sprintf('{"method": "%s", "tau2": %s, "estimate": %s, "source": "%s"}', m, num(t2), num(est), src))
  }
  sprintf('{"name": "%s", "y": [%s], "v": [%s], "fits": [%s]}', name,
          paste(sapply(y, num), collapse = ", "), paste(sapply(v, num), collapse = ", "),
          paste(out, collapse = ", "))
}

sets <- list()
l <- log
sets[[1]] <- fit_all("issue-ml-two-studies",
  c(l(620000), l(750000)), c(((l(640000) - l(600000)) / 3.92)^2, ((l(850000) - l(650000)) / 3.92)^2))
sets[[2]] <- fit_all("issue-ml-dominant", c(0, 10), c(1, 1e-4))
sets[[3]] <- fit_all("issue-reml-three", c(0.06, 0.04, 18.92), c(0.0021, 0.0017, 1.2654))
for (i in 1:200) {
  k <- sample(2:12, 1)
  scale <- 10^runif(1, -4, 4)
  offset <- sample(c(0, 0, 100, 1e4), 1) * scale
  v <- (scale^2) * 10^runif(k, -2, 2) / 100
  if (runif(1) < 0.2) v[1] <- v[1] * 1e-4
  tau <- scale * abs(rnorm(1, 0, 1)) * sample(c(0, 0.3, 1, 3), 1)
  y <- offset + rnorm(k, 0, sqrt(v + tau^2))
  sets[[length(sets) + 1]] <- fit_all(sprintf("random-%03d", i), y, v)
}
cat('{"source": "R metafor ', as.character(packageVersion("metafor")), ' (rma, control threshold 1e-14) and a direct maximisation in R; scripts/metafor_oracle.R", "sets": [\n', sep = "")
cat(paste(sets, collapse = ",\n"))
cat("\n]}\n")
