# Figure of a sensitivity run of scenarios/studies/window_cost.toml, in R:
# which assumptions decide what a 30-day review window changes. The same
# figure as window_cost.py.
#
#   reviewsim run scenarios/studies/window_cost.toml --out RUN_DIR
#   Rscript docs/plots/window_cost.R RUN_DIR FIGURE_DIR
#
# writes FIGURE_DIR/window_cost_sensitivity.png: per output, S1 and ST of
# the eight parameters with the largest ST, with 95% bootstrap intervals;
# indices within replication noise are drawn hollow. Needs ggplot2 and
# jsonlite.

suppressPackageStartupMessages({
  library(ggplot2)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) {
  stop("usage: Rscript docs/plots/window_cost.R RUN_DIR FIGURE_DIR", call. = FALSE)
}
run_dir <- args[1]
figure_dir <- args[2]
dir.create(figure_dir, recursive = TRUE, showWarnings = FALSE)

manifest <- fromJSON(file.path(run_dir, "manifest.json"), simplifyVector = FALSE)
table <- read.csv(file.path(run_dir, "sensitivity.csv"), check.names = FALSE,
                  colClasses = c(contrast = "character", noise_dominated = "character"))
table <- table[table$index %in% c("S1", "ST"), ]
if (nrow(table) == 0) stop(run_dir, ": sensitivity.csv has no Sobol' indices", call. = FALSE)

table$output <- paste0(table$lab, ": ", table$metric, " (replication noise: ",
                       round(100 * table$noise_share), "% of the variance)")
top <- do.call(rbind, lapply(split(table, table$output), function(rows) {
  st <- rows[rows$index == "ST" & !is.na(rows$rank), ]
  keep <- st$parameter[order(st$rank)][seq_len(min(8, nrow(st)))]
  rows <- rows[rows$parameter %in% keep, ]
  rows$key <- paste0(rows$output, "\r", rows$parameter)
  rows$order <- match(rows$parameter, keep)
  rows
}))
# One y axis per facet, each ordered by its own ranks.
top$key <- factor(top$key, levels = unique(top$key[order(top$output, -top$order)]))
top$hollow <- is.na(top$noise_dominated) | top$noise_dominated == "true"
top$fill <- ifelse(top$hollow, NA, top$index)
contrast <- unique(na.omit(table$contrast[table$contrast != ""]))
change <- if (length(contrast)) paste("the change when", contrast[1]) else "the outputs"

plot <- ggplot(top, aes(x = value, y = key, colour = index)) +
  geom_col(aes(fill = fill), position = position_dodge(width = 0.8), width = 0.7) +
  geom_errorbarh(aes(xmin = ci95_low, xmax = ci95_high, group = index),
                 position = position_dodge(width = 0.8), height = 0.3, colour = "grey25") +
  geom_vline(xintercept = 0, colour = "grey60") +
  facet_wrap(~output, ncol = 1, scales = "free_y") +
  scale_fill_manual(values = c(S1 = "#4C72B0", ST = "#DD8452"), na.value = NA, guide = "none") +
  scale_colour_manual(values = c(S1 = "#4C72B0", ST = "#DD8452")) +
  scale_y_discrete(labels = function(key) sub(".*\r", "", key)) +
  labs(x = "Sobol' index (share of the variance)", y = NULL, colour = NULL,
       title = paste("Which assumptions decide", change),
       subtitle = paste0(manifest$scenario_name, ": ", manifest$points, " points x ",
                         manifest$replications, " replications, seed ", manifest$seed,
                         "; lines: 95% bootstrap interval; hollow: within replication noise")) +
  theme_minimal(base_size = 9) +
  theme(legend.position = "bottom", plot.title.position = "plot")
path <- file.path(figure_dir, "window_cost_sensitivity.png")
ggsave(path, plot, width = 8.5, height = 2.9 * length(unique(top$output)), dpi = 130, bg = "white")
cat(path, "\n")
