-- A request for documents or corrections (SQLite): when an officer returns a submission, the
-- owner is asked to answer by the end of a number of working days on the official calendar
-- (web.document_request_working_days). Unix milliseconds; null when none was set (returned
-- before this column, or the calendar lacked the year of the date). Nothing happens on its
-- own when it passes: the owner and the officers see the request as overdue. Keep the stem
-- identical to the other dialect's twin.
alter table submission add column respond_by bigint;
