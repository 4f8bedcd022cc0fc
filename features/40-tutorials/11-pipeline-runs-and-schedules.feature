@pipelines @fraud-detection-project
Feature: Pipeline run types and schedules
  Checklist "Pipelines": the run types of the dashboard's "Create run" (run once, or a schedule:
  Periodic or Cron) and the schedule's options (max concurrent runs, a start and end timeframe,
  catch up if behind schedule), each asserted on the runs the scheduler actually creates: their
  number, their scheduled times, their overlap. A recurring run is a ScheduledWorkflow in the project,
  whose status says when the scheduler has started runs and when the schedule has ended. On a real
  cluster the minute-long schedules below take minutes; the embedded twin runs its schedules on a
  faster clock (RHOAI_TWIN_PIPELINES_CLOCK_RATE). A schedule without an end is disabled once its
  runs are checked: a kept project (RHOAI_KEEP) keeps the recurring run, not a run every minute.
  Checklist section: user interface (UI-PIPE-02, UI-PIPE-03, UI-PIPE-04, UI-PIPE-05, UI-PIPE-06, UI-PIPE-07).

  Background:
    Given the data science pipelines of the installed platform are running
    And the tutorial's project has a pipeline server
    And the fraud-detection pipeline is imported

  @req.UI-PIPE-02
  Scenario: Run type "once"
    When I run the pipeline once as "once"
    Then the run "once" ends SUCCEEDED
    And the run "once" is the only run it made, in the experiment chosen, and belongs to no schedule

  @req.UI-PIPE-03
  Scenario: Run type "periodic"
    When I schedule the pipeline "every-minute" to run periodically every 60 seconds
    Then the scheduler starts runs of "every-minute" 60 seconds apart
    And after I disable the schedule "every-minute" it reads DISABLED

  @req.UI-PIPE-04
  Scenario: Run type "cron"
    When I schedule the pipeline "cron-minute" with the cron expression "0 * * * * *"
    Then the scheduler starts runs of "cron-minute" on the cron's times, 60 seconds apart
    And after I disable the schedule "cron-minute" it reads DISABLED

  @req.UI-PIPE-05
  Scenario: Schedule option "max concurrent runs"
    When I schedule the pipeline "two-at-a-time" every hour from 4 hours and 30 minutes ago until 15 minutes ago, catching up, with at most 2 concurrent runs
    Then the scheduler runs the 4 missed intervals of "two-at-a-time", never more than 2 at the same time

  @req.UI-PIPE-06
  Scenario: Schedule option "timeframe": a start and an end time
    When I schedule the pipeline "window" every 60 seconds from 2 minutes from now until 4 minutes and 30 seconds from now
    Then every run of "window" is scheduled within its timeframe, none before the start and none after the end, and there are 2

  @req.UI-PIPE-07
  Scenario: Schedule option "catch up if behind schedule"
    When I schedule the pipeline "catch-up" every hour from 3 hours and 30 minutes ago until 15 minutes ago, catching up
    And I schedule the pipeline "no-catch-up" every hour from 3 hours and 30 minutes ago until 15 minutes ago, not catching up
    Then the scheduler runs exactly the 3 missed intervals of "catch-up"
    And the scheduler runs none of the missed intervals of "no-catch-up"
