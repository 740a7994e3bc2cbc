-- +goose Up
-- Counting organisers per host and cohort (the dashboard and its flags, the
-- progress report, the cohorts screen) reads this index alone, already in
-- host and cohort order, rather than every organiser's row and a sort of
-- them all (issue 14).
CREATE INDEX organisers_host_cohort ON organisers (host_id, cohort_id, role, status, supported_by_id);

-- +goose Down
DROP INDEX organisers_host_cohort;
