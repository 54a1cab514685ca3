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
