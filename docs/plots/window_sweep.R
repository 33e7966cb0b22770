# Figures of a run of scenarios/window_sweep.toml, in R: what the review
# window costs each lab in release delay, and what it buys in hazardous
# models that reach the public without a completed review. The same figures
# as window_sweep.py.
#
#   reviewsim run scenarios/window_sweep.toml --out RUN_DIR
#   Rscript docs/plots/window_sweep.R RUN_DIR FIGURE_DIR
#
# writes FIGURE_DIR/delay_by_lab.png and FIGURE_DIR/hazards_by_window.png.
# Needs ggplot2 and jsonlite (Debian: apt-get install r-cran-ggplot2
# r-cran-jsonlite; elsewhere: install.packages(c("ggplot2", "jsonlite"))).

suppressPackageStartupMessages({
  library(ggplot2)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) {
  stop("usage: Rscript docs/plots/window_sweep.R RUN_DIR FIGURE_DIR", call. = FALSE)
}
run_dir <- args[1]
figure_dir <- args[2]
dir.create(figure_dir, recursive = TRUE, showWarnings = FALSE)

window_column <- "review.window_days"
manifest <- fromJSON(file.path(run_dir, "manifest.json"), simplifyVector = FALSE)
summary <- read.csv(file.path(run_dir, "summary.csv"), check.names = FALSE)
if (!window_column %in% names(summary)) {
  stop(run_dir, ": not a sweep of ", window_column, call. = FALSE)
}
summary$window <- as.numeric(summary[[window_column]])

scenario <- manifest$resolved_scenario
labs <- scenario$labs
lab_ids <- vapply(labs, function(lab) lab$id, "")

# The lab's name, with how it participates when it has not simply signed.
lab_label <- function(lab, sep) {
  p <- lab$participation
  status <- if (!is.null(p$from)) {
    paste("signs", p$from)
  } else if (!is.null(p$signing)) {
    "may sign"
  } else if (isFALSE(p$signed)) {
    "not signed"
  } else {
    return(lab$name)
  }
  paste0(lab$name, sep, "(", status, ")")
}

windows <- sort(unique(summary$window))
baseline_rows <- summary[summary$point == manifest$sweep$baseline, ]
baseline_window <- if (nrow(baseline_rows) > 0) baseline_rows$window[1] else NA
window_label <- function(w) {
  ifelse(!is.na(baseline_window) & w == baseline_window,
         sprintf("%g days (baseline)", w), sprintf("%g days", w))
}

replications <- manifest$replications
period <- sprintf("%g days from %s", scenario$simulation$horizon_days,
                  scenario$simulation$start_date)
source_note <- sprintf("reviewsim run %s: %d replications per window, seed %s.",
                       manifest$scenario_name, replications, format(manifest$seed, scientific = FALSE))
replications_note <- function(rows) {
  n <- rows$n[!is.na(rows$mean)]
  if (length(n) > 0 && min(n) == replications && max(n) == replications) {
    sprintf("over the %d replications", replications)
  } else {
    sprintf("over the replications in which it is defined (n = %d to %d of %d)",
            min(n), max(n), replications)
  }
}

metric <- function(name) {
  rows <- summary[summary$metric == name & summary$lab %in% lab_ids, ]
  rows$lab <- factor(rows$lab, levels = lab_ids)
  rows
}

look <- theme_minimal(base_size = 11) +
  theme(plot.title = element_text(face = "bold", hjust = 0.5),
        plot.subtitle = element_text(colour = "grey30", size = 9, hjust = 0.5),
        plot.caption = element_text(colour = "grey25", size = 8, hjust = 0),
        plot.caption.position = "plot",
        panel.grid.minor = element_blank())

wrap <- function(text) paste(strwrap(text, width = 130), collapse = "\n")

# Release delay per lab and window: grouped bars with 95% intervals.
delay <- metric("delay_days_mean")
delay$window_label <- factor(window_label(delay$window), levels = window_label(windows))
dodge <- position_dodge(width = 0.85)
figure <- ggplot(delay, aes(x = lab, y = mean, fill = window_label)) +
  geom_col(position = dodge, width = 0.85) +
  geom_errorbar(aes(ymin = ci95_low, ymax = ci95_high), position = dodge,
                width = 0.3, linewidth = 0.3, na.rm = TRUE) +
  scale_x_discrete(labels = setNames(vapply(labs, lab_label, "", sep = "\n"), lab_ids)) +
  scale_fill_viridis_d(end = 0.85, name = "review window") +
  scale_y_continuous(expand = expansion(mult = c(0, 0.05))) +
  labs(title = "Release delay per lab, by length of the review window",
       subtitle = period, x = NULL,
       y = "days from ready to release\n(mean over the lab's releases)",
       caption = wrap(paste0(
         "Bars: mean ", replications_note(delay), ". Error bars: 95% confidence interval ",
         "of that mean (Student t). The delay includes queueing for a review team, the ",
         "review itself and mitigating the hazards it finds. A window of 0 means no review. ",
         source_note))) +
  look + theme(panel.grid.major.x = element_blank())
ggsave(file.path(figure_dir, "delay_by_lab.png"), figure, width = 10, height = 5.4, dpi = 120,
       bg = "white")
cat(file.path(figure_dir, "delay_by_lab.png"), "\n", sep = "")

# Hazardous models released without a completed review, per lab and window.
hazards <- metric("hazardous_unreviewed_releases")
spread <- 0.25 * if (length(windows) > 1) min(diff(windows)) else 1
hazards$x <- hazards$window +
  (as.integer(hazards$lab) - (length(lab_ids) + 1) / 2) * spread / length(lab_ids)
figure <- ggplot(hazards, aes(x = x, y = mean, colour = lab)) +
  geom_vline(xintercept = baseline_window, colour = "grey60", linetype = "dotted",
             na.rm = TRUE) +
  annotate("text", x = baseline_window, y = Inf, label = " baseline", hjust = 0, vjust = 1.5,
           size = 3, colour = "grey40", na.rm = TRUE) +
  geom_line(linewidth = 0.7) +
  geom_errorbar(aes(ymin = ci95_low, ymax = ci95_high), width = 0.6, na.rm = TRUE) +
  geom_point(size = 1.8) +
  scale_x_continuous(breaks = windows, labels = sprintf("%g", windows)) +
  scale_colour_brewer(palette = "Dark2", name = "lab",
                      labels = setNames(vapply(labs, lab_label, "", sep = " "), lab_ids)) +
  expand_limits(y = 0) +
  labs(title = "Hazardous models reaching the public unreviewed, by review window",
       subtitle = period, x = "review window (days)",
       y = "hazardous models released without\na completed review, per replication",
       caption = wrap(paste0(
         "Points: mean ", replications_note(hazards), "; error bars: 95% confidence ",
         "interval of that mean (Student t). Labs are drawn slightly apart to keep their ",
         "error bars apart. A window of 0 means no review. ", source_note))) +
  look
ggsave(file.path(figure_dir, "hazards_by_window.png"), figure, width = 10, height = 5.4,
       dpi = 120, bg = "white")
cat(file.path(figure_dir, "hazards_by_window.png"), "\n", sep = "")
