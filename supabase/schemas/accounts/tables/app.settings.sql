-- The product's settings: one row, changed by an operator in the SQL console (README "Settings").
-- Without a maximum, adjustments and purchases could push a balance up to the integer limit, where the
-- overflow answers 500 and leaves the order pending for ever. So a customer balance has a maximum (default
-- 1,000,000 credits): a transfer beyond it is refused in words, and a paid order that cannot be credited ends
-- failed with refund_due, so an admin sees it and refunds it. Changed e.g. with
-- `update app.settings set max_balance = 2000000;`.
-- Attachment limits (attachments domain) live here too, so one row holds every knob: they are read by
-- public.attachment_limits (the browser checks before uploading) and enforced by public.begin_attachment;
-- the per-file limit is also copied to the attachments bucket's own limit by a trigger
-- (attachments/functions/app.sync_attachment_bucket.sql), so Storage refuses a larger body as well.
create table app.settings (
  id boolean default true not null,
  max_balance integer default 1000000 not null,
  attachment_max_file_bytes bigint default 26214400 not null,
  attachment_max_ticket_bytes bigint default 209715200 not null,
  attachment_refused_extensions text[] default '{exe,msi,msp,bat,cmd,com,scr,pif,cpl,dll,ps1,psm1,vbs,vbe,js,jse,wsf,wsh,hta,jar,app,dmg,pkg,apk,sh,lnk,reg}'::text[] not null,
  attachment_refused_types text[] default '{application/x-msdownload,application/x-msdos-program,application/x-ms-installer,application/x-msi,application/vnd.microsoft.portable-executable,application/x-executable,application/x-dosexec,application/x-bat,application/x-sh,application/x-csh,application/x-shellscript,application/java-archive,application/x-java-archive,application/x-apple-diskimage,application/vnd.android.package-archive,application/hta,application/javascript,text/javascript}'::text[] not null,
  constraint settings_pkey PRIMARY KEY (id),
  constraint settings_id_check CHECK (id),
  constraint settings_max_balance_check CHECK (max_balance >= 1 AND max_balance <= 1000000000),
  constraint settings_attachment_max_file_bytes_check CHECK (attachment_max_file_bytes >= 1),
  constraint settings_attachment_max_ticket_bytes_check CHECK (attachment_max_ticket_bytes >= attachment_max_file_bytes)
);

comment on table app.settings is 'Product settings (one row): the credit rules'' maximum balance and the attachment limits.';
comment on column app.settings.max_balance is 'The most credits a customer account may hold (default 1,000,000). Transfers beyond it are refused; a purchase beyond it fails with refund_due.';
comment on column app.settings.attachment_max_file_bytes is 'The largest attachment, in bytes (default 25 MB = 26214400). Copied to the attachments bucket''s file_size_limit.';
comment on column app.settings.attachment_max_ticket_bytes is 'The most attachment bytes one ticket may hold, unfinished uploads included (default 200 MB = 209715200).';
comment on column app.settings.attachment_refused_extensions is 'File name extensions refused as attachments (lower case, no dot): executables and scripts.';
comment on column app.settings.attachment_refused_types is 'Content types refused as attachments (lower case type/subtype, parameters ignored).';

revoke all on table app.settings from anon, authenticated, service_role;
