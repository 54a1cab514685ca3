-- Demo data for local development (`npm start`, `npm run stack -- --reset`); hosted projects never run it.
-- Demo logins: customer@example.com, engineer@example.com, admin@example.com — password `password123`.

insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
  confirmation_token, recovery_token, email_change_token_new, email_change
)
select
  '00000000-0000-0000-0000-000000000000', demo.id, 'authenticated', 'authenticated', demo.email,
  extensions.crypt('password123', extensions.gen_salt('bf', 10)), now(),
  '{"provider":"email","providers":["email"]}',
  jsonb_build_object('full_name', demo.full_name, 'email', demo.email, 'email_verified', true, 'phone_verified', false, 'sub', demo.id),
  now(), now(), '', '', '', ''
from (values
  ('00000000-0000-4000-8000-000000000001'::uuid, 'customer@example.com', 'Casey Customer'),
  ('00000000-0000-4000-8000-000000000002'::uuid, 'engineer@example.com', 'Erin Engineer'),
  ('00000000-0000-4000-8000-000000000003'::uuid, 'admin@example.com', 'Alex Admin')
) as demo (id, email, full_name);

insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select
  gen_random_uuid(), u.id::text, u.id,
  jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
  'email', now(), now(), now()
from auth.users u
where u.email in ('customer@example.com', 'engineer@example.com', 'admin@example.com');
