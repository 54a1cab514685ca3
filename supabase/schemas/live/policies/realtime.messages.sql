-- Who may join the product's private Realtime channels. Realtime asks these policies when a channel joins
-- (and again on every new access token): it inserts probe rows (topic, extension) and selects them back as
-- the caller, with realtime.topic() set to the channel's topic; a visible row means the caller may read
-- that extension. A broadcast or presence `track` from a client is allowed only by an INSERT policy.
--   queue               staff; broadcast only
--   ticket:<ticket id>  who may read the ticket (its account's members, staff); presence: staff only
--   user:<user id>      that user; broadcast only
-- Any other topic admits nobody: the id is parsed only when the topic has exactly that shape (a lowercase
-- canonical uuid, as ids are printed), so a malformed topic is a "no", never a cast error; and the ticket
-- must exist and be visible to the caller under public.tickets' own policy. Customers never read or write
-- presence, so they do not see which engineers are on a ticket.
-- Nobody broadcasts from a client: the database alone announces changes (live/functions/app.live_announce.sql),
-- so there is no INSERT policy for `broadcast`.
-- No `comment on policy`: comments on Supabase's own tables are not part of a migration.
create policy "live_topics_read" on realtime.messages
  for select to authenticated
  using (
    topic = (select realtime.topic())
    and (
      (topic = 'queue' and extension = 'broadcast' and (select app.is_staff()))
      or (topic = 'user:' || (select auth.uid())::text and extension = 'broadcast')
      or (
        (extension = 'broadcast' or (extension = 'presence' and (select app.is_staff())))
        and exists (
          select 1 from public.tickets t
          where t.id = case
            when (select realtime.topic()) ~ '^ticket:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
            then substr((select realtime.topic()), 8)::uuid
          end
        )
      )
    )
  );

-- Presence on a ticket is how engineers see who else is viewing or answering it: staff may `track` there.
create policy "live_ticket_presence_write" on realtime.messages
  for insert to authenticated
  with check (
    topic = (select realtime.topic())
    and extension = 'presence'
    and (select app.is_staff())
    and exists (
      select 1 from public.tickets t
      where t.id = case
        when (select realtime.topic()) ~ '^ticket:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        then substr((select realtime.topic()), 8)::uuid
      end
    )
  );
