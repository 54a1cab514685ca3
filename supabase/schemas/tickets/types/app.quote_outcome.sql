-- The figures the engineer is shown: credits is what moves or is asked for (charged now or awaited, the
-- price quoted, or refunded); due is price - charged so far (negative for a refund); ceiling and
-- over_ceiling are the pre-approval ceiling that applied (null when not pre-approved); balance is the
-- account's when decided, with balance_after (charge) and missing (awaiting_credits).
create type app.quote_outcome as (
  kind text,
  category text,
  price integer,
  charged integer,
  due integer,
  credits integer,
  ceiling integer,
  over_ceiling boolean,
  balance integer,
  balance_after integer,
  missing integer
);

comment on type app.quote_outcome is 'What pricing a ticket does (app.quote_outcome): the kind (charge, awaiting_credits, quote, refund, no_change) and its figures.';
