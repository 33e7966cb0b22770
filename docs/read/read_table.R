# Read a reviewsim table with the column types its datapackage.json declares:
#   source("docs/read/read_table.R"); labs <- read_table("out/baseline", "lab_outcomes")
# A column empty throughout one run (directive_day when no directive came)
# is read with its declared type, so the tables of different runs bind.
library(jsonlite)

read_table <- function(out_dir, table) {
  package <- fromJSON(file.path(out_dir, "datapackage.json"), simplifyVector = FALSE)
  resource <- Filter(function(r) sub("\\.[a-z]+$", "", r$path) == table, package$resources)
  if (length(resource) == 0) stop(out_dir, " has no table ", table)
  resource <- resource[[1]]
  if (resource$format != "csv") stop("read Parquet with arrow::read_parquet")
  # R's integers have 32 bits: counts are read as doubles.
  classes <- c(integer = "numeric", number = "numeric", boolean = "logical",
               date = "Date", string = "character")
  fields <- resource$schema$fields
  read.csv(file.path(out_dir, resource$path), na.strings = "", check.names = FALSE,
           colClasses = setNames(sapply(fields, function(f) classes[[f$type]]),
                                 sapply(fields, function(f) f$name)))
}
