-- Without a maximum, adjustments and purchases could push a balance up to the integer limit, where the
-- overflow answers 500 and leaves the order pending for ever. So a customer balance has a maximum (default
-- 1,000,000 credits): a transfer beyond it is refused in words, and a paid order that cannot be credited ends
-- failed with refund_due, so an admin sees it and refunds it. Changed by an operator in the SQL console, e.g.
-- `update app.settings set max_balance = 2000000;`.
create table app.settings (
  id boolean default true not null,
  max_balance integer default 1000000 not null,
  constraint settings_pkey PRIMARY KEY (id),
  constraint settings_id_check CHECK (id),
  constraint settings_max_balance_check CHECK (max_balance >= 1 AND max_balance <= 1000000000)
);

comment on table app.settings is 'Credit rules settings (one row). max_balance: the most credits a customer account may hold.';
comment on column app.settings.max_balance is 'The most credits a customer account may hold (default 1,000,000). Transfers beyond it are refused; a purchase beyond it fails with refund_due.';

revoke all on table app.settings from anon, authenticated, service_role;
