create type app.transfer_reference as (
  order_id uuid,
  ticket_id uuid
);

comment on type app.transfer_reference is 'What a ledger transfer is for (an order or a ticket), recorded on it for readers; never read by app.transfer.';
