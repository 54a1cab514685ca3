-- Addresses that failed permanently (the receiving server said the mailbox does not exist, or the address
-- is invalid). Nothing more is enqueued to them until an admin retries a mail to that address, which lifts
-- the suppression: retrying a bouncing address for ever would hurt the sender's reputation.
create table app.mail_suppressions (
  email text not null,
  reason text not null,
  created_at timestamp with time zone default now() not null,
  constraint mail_suppressions_pkey PRIMARY KEY (email),
  constraint mail_suppressions_email_check CHECK (email = lower(email)),
  constraint mail_suppressions_reason_check CHECK (length(reason) <= 1000)
);

comment on table app.mail_suppressions is 'Addresses (lower case) no mail is enqueued to after a permanent failure; app.admin_retry_mail lifts one.';

revoke all on table app.mail_suppressions from anon, authenticated, service_role;
