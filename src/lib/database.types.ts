export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  // Allows to automatically instantiate createClient with right options
  // instead of createClient<Database, { PostgrestVersion: 'XX' }>(URL, KEY)
  __InternalSupabase: {
    PostgrestVersion: "14"
  }
  public: {
    Tables: {
      account_members: {
        Row: {
          account_id: string
          created_at: string
          role: Database["public"]["Enums"]["account_member_role"]
          user_id: string
        }
        Insert: {
          account_id: string
          created_at?: string
          role?: Database["public"]["Enums"]["account_member_role"]
          user_id: string
        }
        Update: {
          account_id?: string
          created_at?: string
          role?: Database["public"]["Enums"]["account_member_role"]
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "account_members_account_id_fkey"
            columns: ["account_id"]
            referencedRelation: "accounts"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "account_members_user_id_fkey"
            columns: ["user_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      accounts: {
        Row: {
          balance: number
          created_at: string
          id: string
          low_balance_threshold: number
          name: string
          system_code: string | null
          updated_at: string
        }
        Insert: {
          balance?: number
          created_at?: string
          id?: string
          low_balance_threshold?: number
          name: string
          system_code?: string | null
          updated_at?: string
        }
        Update: {
          balance?: number
          created_at?: string
          id?: string
          low_balance_threshold?: number
          name?: string
          system_code?: string | null
          updated_at?: string
        }
        Relationships: []
      }
      credit_entries: {
        Row: {
          account_id: string
          amount: number
          balance_after: number | null
          created_at: string
          id: number
          transfer_id: string
        }
        Insert: {
          account_id: string
          amount: number
          balance_after?: number | null
          created_at?: string
          id?: never
          transfer_id: string
        }
        Update: {
          account_id?: string
          amount?: number
          balance_after?: number | null
          created_at?: string
          id?: never
          transfer_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "credit_entries_account_id_fkey"
            columns: ["account_id"]
            referencedRelation: "accounts"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "credit_entries_transfer_id_fkey"
            columns: ["transfer_id"]
            referencedRelation: "credit_transfers"
            referencedColumns: ["id"]
          },
        ]
      }
      credit_packages: {
        Row: {
          active: boolean
          created_at: string
          credits: number
          currency: string
          id: string
          name: string
          price_cents: number
          sort_order: number
          updated_at: string
        }
        Insert: {
          active?: boolean
          created_at?: string
          credits: number
          currency?: string
          id?: string
          name: string
          price_cents: number
          sort_order?: number
          updated_at?: string
        }
        Update: {
          active?: boolean
          created_at?: string
          credits?: number
          currency?: string
          id?: string
          name?: string
          price_cents?: number
          sort_order?: number
          updated_at?: string
        }
        Relationships: []
      }
      credit_transfers: {
        Row: {
          amount: number
          created_at: string
          created_by: string | null
          from_account_id: string
          id: string
          idempotency_key: string
          kind: Database["public"]["Enums"]["credit_transfer_kind"]
          note: string | null
          order_id: string | null
          ticket_id: string | null
          to_account_id: string
        }
        Insert: {
          amount: number
          created_at?: string
          created_by?: string | null
          from_account_id: string
          id?: string
          idempotency_key: string
          kind: Database["public"]["Enums"]["credit_transfer_kind"]
          note?: string | null
          order_id?: string | null
          ticket_id?: string | null
          to_account_id: string
        }
        Update: {
          amount?: number
          created_at?: string
          created_by?: string | null
          from_account_id?: string
          id?: string
          idempotency_key?: string
          kind?: Database["public"]["Enums"]["credit_transfer_kind"]
          note?: string | null
          order_id?: string | null
          ticket_id?: string | null
          to_account_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "credit_transfers_order_id_fkey"
            columns: ["order_id"]
            referencedRelation: "orders"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "credit_transfers_ticket_id_fkey"
            columns: ["ticket_id"]
            referencedRelation: "tickets"
            referencedColumns: ["id"]
          },
        ]
      }
      notification_preferences: {
        Row: {
          delivery: string
          kind: string
          updated_at: string
          user_id: string
        }
        Insert: {
          delivery: string
          kind: string
          updated_at?: string
          user_id: string
        }
        Update: {
          delivery?: string
          kind?: string
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "notification_preferences_user_id_fkey"
            columns: ["user_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      notifications: {
        Row: {
          body: string
          created_at: string
          data: NonNullable<Json>
          id: string
          kind: string
          read_at: string | null
          ticket_id: string | null
          title: string
          user_id: string
        }
        Insert: {
          body?: string
          created_at?: string
          data?: NonNullable<Json>
          id?: string
          kind: string
          read_at?: string | null
          ticket_id?: string | null
          title: string
          user_id: string
        }
        Update: {
          body?: string
          created_at?: string
          data?: NonNullable<Json>
          id?: string
          kind?: string
          read_at?: string | null
          ticket_id?: string | null
          title?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "notifications_ticket_id_fkey"
            columns: ["ticket_id"]
            referencedRelation: "tickets"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "notifications_user_id_fkey"
            columns: ["user_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      orders: {
        Row: {
          account_id: string
          amount_cents: number
          created_at: string
          credits: number
          currency: string
          failure_reason: string | null
          id: string
          package_id: string
          paid_at: string | null
          provider: string
          provider_payment_id: string | null
          provider_session_id: string | null
          refund_due: boolean
          refund_note: string | null
          refunded_at: string | null
          refunded_by: string | null
          status: Database["public"]["Enums"]["order_status"]
          updated_at: string
          user_id: string | null
        }
        Insert: {
          account_id: string
          amount_cents: number
          created_at?: string
          credits: number
          currency?: string
          failure_reason?: string | null
          id?: string
          package_id: string
          paid_at?: string | null
          provider?: string
          provider_payment_id?: string | null
          provider_session_id?: string | null
          refund_due?: boolean
          refund_note?: string | null
          refunded_at?: string | null
          refunded_by?: string | null
          status?: Database["public"]["Enums"]["order_status"]
          updated_at?: string
          user_id?: string | null
        }
        Update: {
          account_id?: string
          amount_cents?: number
          created_at?: string
          credits?: number
          currency?: string
          failure_reason?: string | null
          id?: string
          package_id?: string
          paid_at?: string | null
          provider?: string
          provider_payment_id?: string | null
          provider_session_id?: string | null
          refund_due?: boolean
          refund_note?: string | null
          refunded_at?: string | null
          refunded_by?: string | null
          status?: Database["public"]["Enums"]["order_status"]
          updated_at?: string
          user_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "orders_account_id_fkey"
            columns: ["account_id"]
            referencedRelation: "accounts"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "orders_package_id_fkey"
            columns: ["package_id"]
            referencedRelation: "credit_packages"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "orders_refunded_by_fkey"
            columns: ["refunded_by"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "orders_user_id_fkey"
            columns: ["user_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      payment_events: {
        Row: {
          created_at: string
          id: string
          order_id: string | null
          payload: NonNullable<Json>
          problem: string | null
          processed_at: string | null
          resolution_note: string | null
          resolved_at: string | null
          resolved_by: string | null
          type: string
        }
        Insert: {
          created_at?: string
          id: string
          order_id?: string | null
          payload?: NonNullable<Json>
          problem?: string | null
          processed_at?: string | null
          resolution_note?: string | null
          resolved_at?: string | null
          resolved_by?: string | null
          type: string
        }
        Update: {
          created_at?: string
          id?: string
          order_id?: string | null
          payload?: NonNullable<Json>
          problem?: string | null
          processed_at?: string | null
          resolution_note?: string | null
          resolved_at?: string | null
          resolved_by?: string | null
          type?: string
        }
        Relationships: [
          {
            foreignKeyName: "payment_events_resolved_by_fkey"
            columns: ["resolved_by"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      product_releases: {
        Row: {
          created_at: string
          position: number
          released_on: string | null
          updated_at: string
          version: string
        }
        Insert: {
          created_at?: string
          position?: number
          released_on?: string | null
          updated_at?: string
          version: string
        }
        Update: {
          created_at?: string
          position?: number
          released_on?: string | null
          updated_at?: string
          version?: string
        }
        Relationships: []
      }
      profiles: {
        Row: {
          created_at: string
          email: string
          full_name: string
          id: string
          role: Database["public"]["Enums"]["app_role"]
          updated_at: string
        }
        Insert: {
          created_at?: string
          email: string
          full_name?: string
          id: string
          role?: Database["public"]["Enums"]["app_role"]
          updated_at?: string
        }
        Update: {
          created_at?: string
          email?: string
          full_name?: string
          id?: string
          role?: Database["public"]["Enums"]["app_role"]
          updated_at?: string
        }
        Relationships: []
      }
      reviews: {
        Row: {
          author_id: string
          author_name: string
          body: string
          created_at: string
          id: string
          rating: number
          title: string
          updated_at: string
        }
        Insert: {
          author_id: string
          author_name?: string
          body: string
          created_at?: string
          id?: string
          rating: number
          title: string
          updated_at?: string
        }
        Update: {
          author_id?: string
          author_name?: string
          body?: string
          created_at?: string
          id?: string
          rating?: number
          title?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "reviews_author_id_fkey"
            columns: ["author_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      ticket_attachments: {
        Row: {
          account_id: string
          completed_at: string | null
          content_type: string
          created_at: string
          file_name: string
          id: string
          internal: boolean
          message_id: string | null
          object_name: string
          size_bytes: number
          status: string
          ticket_id: string
          uploaded_by: string | null
        }
        Insert: {
          account_id: string
          completed_at?: string | null
          content_type: string
          created_at?: string
          file_name: string
          id?: string
          internal?: boolean
          message_id?: string | null
          object_name: string
          size_bytes: number
          status?: string
          ticket_id: string
          uploaded_by?: string | null
        }
        Update: {
          account_id?: string
          completed_at?: string | null
          content_type?: string
          created_at?: string
          file_name?: string
          id?: string
          internal?: boolean
          message_id?: string | null
          object_name?: string
          size_bytes?: number
          status?: string
          ticket_id?: string
          uploaded_by?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "ticket_attachments_account_id_fkey"
            columns: ["account_id"]
            referencedRelation: "accounts"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "ticket_attachments_message_id_fkey"
            columns: ["message_id"]
            referencedRelation: "ticket_messages"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "ticket_attachments_ticket_id_fkey"
            columns: ["ticket_id"]
            referencedRelation: "tickets"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "ticket_attachments_uploaded_by_fkey"
            columns: ["uploaded_by"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      ticket_categories: {
        Row: {
          code: string
          created_at: string
          credits: number
          description: string
          included_steps: number | null
          level: number
          min_credits: number | null
          name: string
          per_step_credits: number | null
          updated_at: string
        }
        Insert: {
          code: string
          created_at?: string
          credits: number
          description?: string
          included_steps?: number | null
          level: number
          min_credits?: number | null
          name: string
          per_step_credits?: number | null
          updated_at?: string
        }
        Update: {
          code?: string
          created_at?: string
          credits?: number
          description?: string
          included_steps?: number | null
          level?: number
          min_credits?: number | null
          name?: string
          per_step_credits?: number | null
          updated_at?: string
        }
        Relationships: []
      }
      ticket_events: {
        Row: {
          account_id: string
          actor_id: string | null
          actor_name: string
          created_at: string
          data: NonNullable<Json>
          id: number
          internal: boolean
          kind: Database["public"]["Enums"]["ticket_event_kind"]
          ticket_id: string
        }
        Insert: {
          account_id: string
          actor_id?: string | null
          actor_name?: string
          created_at?: string
          data?: NonNullable<Json>
          id?: never
          internal?: boolean
          kind: Database["public"]["Enums"]["ticket_event_kind"]
          ticket_id: string
        }
        Update: {
          account_id?: string
          actor_id?: string | null
          actor_name?: string
          created_at?: string
          data?: NonNullable<Json>
          id?: never
          internal?: boolean
          kind?: Database["public"]["Enums"]["ticket_event_kind"]
          ticket_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "ticket_events_actor_id_fkey"
            columns: ["actor_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "ticket_events_ticket_id_fkey"
            columns: ["ticket_id"]
            referencedRelation: "tickets"
            referencedColumns: ["id"]
          },
        ]
      }
      ticket_messages: {
        Row: {
          account_id: string
          author_id: string | null
          author_name: string
          body: string
          created_at: string
          from_staff: boolean
          id: string
          internal: boolean
          ticket_id: string
        }
        Insert: {
          account_id: string
          author_id?: string | null
          author_name?: string
          body: string
          created_at?: string
          from_staff?: boolean
          id?: string
          internal?: boolean
          ticket_id: string
        }
        Update: {
          account_id?: string
          author_id?: string | null
          author_name?: string
          body?: string
          created_at?: string
          from_staff?: boolean
          id?: string
          internal?: boolean
          ticket_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "ticket_messages_account_id_fkey"
            columns: ["account_id"]
            referencedRelation: "accounts"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "ticket_messages_author_id_fkey"
            columns: ["author_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "ticket_messages_ticket_id_fkey"
            columns: ["ticket_id"]
            referencedRelation: "tickets"
            referencedColumns: ["id"]
          },
        ]
      }
      tickets: {
        Row: {
          account_id: string
          assessed_at: string | null
          assignee_id: string | null
          body: string
          category: string | null
          charged_credits: number
          closed_at: string | null
          created_at: string
          created_by: string | null
          id: string
          number: number
          parent_id: string | null
          pre_approval_ceiling: number | null
          pre_approved: boolean
          quoted_credits: number | null
          resolved_at: string | null
          status: Database["public"]["Enums"]["ticket_status"]
          subject: string
          updated_at: string
          upgrade_from: string | null
          upgrade_to: string | null
        }
        Insert: {
          account_id: string
          assessed_at?: string | null
          assignee_id?: string | null
          body: string
          category?: string | null
          charged_credits?: number
          closed_at?: string | null
          created_at?: string
          created_by?: string | null
          id?: string
          number?: never
          parent_id?: string | null
          pre_approval_ceiling?: number | null
          pre_approved: boolean
          quoted_credits?: number | null
          resolved_at?: string | null
          status?: Database["public"]["Enums"]["ticket_status"]
          subject: string
          updated_at?: string
          upgrade_from?: string | null
          upgrade_to?: string | null
        }
        Update: {
          account_id?: string
          assessed_at?: string | null
          assignee_id?: string | null
          body?: string
          category?: string | null
          charged_credits?: number
          closed_at?: string | null
          created_at?: string
          created_by?: string | null
          id?: string
          number?: never
          parent_id?: string | null
          pre_approval_ceiling?: number | null
          pre_approved?: boolean
          quoted_credits?: number | null
          resolved_at?: string | null
          status?: Database["public"]["Enums"]["ticket_status"]
          subject?: string
          updated_at?: string
          upgrade_from?: string | null
          upgrade_to?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "tickets_account_id_fkey"
            columns: ["account_id"]
            referencedRelation: "accounts"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "tickets_assignee_id_fkey"
            columns: ["assignee_id"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "tickets_category_fkey"
            columns: ["category"]
            referencedRelation: "ticket_categories"
            referencedColumns: ["code"]
          },
          {
            foreignKeyName: "tickets_created_by_fkey"
            columns: ["created_by"]
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "tickets_parent_id_fkey"
            columns: ["parent_id"]
            referencedRelation: "tickets"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Views: {
      [_ in never]: never
    }
    Functions: {
      adjust_credits: {
        Args: {
          p_account_id: string
          p_amount: number
          p_idempotency_key: string
          p_note: string
        }
        Returns: {
          amount: number
          created_at: string
          created_by: string | null
          from_account_id: string
          id: string
          idempotency_key: string
          kind: Database["public"]["Enums"]["credit_transfer_kind"]
          note: string | null
          order_id: string | null
          ticket_id: string | null
          to_account_id: string
        }
        SetofOptions: {
          from: "*"
          to: "credit_transfers"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      admin_mail_failures: {
        Args: Record<PropertyKey, never>
        Returns: {
          attempts: number
          created_at: string
          id: number
          kind: string
          last_error: string
          status: string
          to_email: string
          updated_at: string
        }[]
      }
      admin_mark_order_refunded: {
        Args: { p_note: string; p_order_id: string }
        Returns: {
          account_id: string
          amount_cents: number
          created_at: string
          credits: number
          currency: string
          failure_reason: string | null
          id: string
          package_id: string
          paid_at: string | null
          provider: string
          provider_payment_id: string | null
          provider_session_id: string | null
          refund_due: boolean
          refund_note: string | null
          refunded_at: string | null
          refunded_by: string | null
          status: Database["public"]["Enums"]["order_status"]
          updated_at: string
          user_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      admin_resolve_payment_event: {
        Args: { p_event_id: string; p_note: string }
        Returns: {
          created_at: string
          id: string
          order_id: string | null
          payload: NonNullable<Json>
          problem: string | null
          processed_at: string | null
          resolution_note: string | null
          resolved_at: string | null
          resolved_by: string | null
          type: string
        }
        SetofOptions: {
          from: "*"
          to: "payment_events"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      admin_retry_mail: { Args: { p_id: number }; Returns: undefined }
      assess_ticket: {
        Args: {
          p_category: string
          p_credits?: number
          p_note?: string
          p_ticket_id: string
          p_upgrade_from?: string
          p_upgrade_to?: string
        }
        Returns: {
          account_id: string
          assessed_at: string | null
          assignee_id: string | null
          body: string
          category: string | null
          charged_credits: number
          closed_at: string | null
          created_at: string
          created_by: string | null
          id: string
          number: number
          parent_id: string | null
          pre_approval_ceiling: number | null
          pre_approved: boolean
          quoted_credits: number | null
          resolved_at: string | null
          status: Database["public"]["Enums"]["ticket_status"]
          subject: string
          updated_at: string
          upgrade_from: string | null
          upgrade_to: string | null
        }
        SetofOptions: {
          from: "*"
          to: "tickets"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      assign_ticket: {
        Args: { p_assignee_id: string; p_ticket_id: string }
        Returns: {
          account_id: string
          assessed_at: string | null
          assignee_id: string | null
          body: string
          category: string | null
          charged_credits: number
          closed_at: string | null
          created_at: string
          created_by: string | null
          id: string
          number: number
          parent_id: string | null
          pre_approval_ceiling: number | null
          pre_approved: boolean
          quoted_credits: number | null
          resolved_at: string | null
          status: Database["public"]["Enums"]["ticket_status"]
          subject: string
          updated_at: string
          upgrade_from: string | null
          upgrade_to: string | null
        }
        SetofOptions: {
          from: "*"
          to: "tickets"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      attach_to_message: {
        Args: { p_attachment_ids: string[]; p_message_id: string }
        Returns: undefined
      }
      attachment_limits: { Args: Record<PropertyKey, never>; Returns: Json }
      begin_attachment: {
        Args: {
          p_content_type: string
          p_file_name: string
          p_internal?: boolean
          p_size_bytes: number
          p_ticket_id: string
        }
        Returns: Json
      }
      cancel_ticket: {
        Args: { p_ticket_id: string }
        Returns: {
          account_id: string
          assessed_at: string | null
          assignee_id: string | null
          body: string
          category: string | null
          charged_credits: number
          closed_at: string | null
          created_at: string
          created_by: string | null
          id: string
          number: number
          parent_id: string | null
          pre_approval_ceiling: number | null
          pre_approved: boolean
          quoted_credits: number | null
          resolved_at: string | null
          status: Database["public"]["Enums"]["ticket_status"]
          subject: string
          updated_at: string
          upgrade_from: string | null
          upgrade_to: string | null
        }
        SetofOptions: {
          from: "*"
          to: "tickets"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      complete_attachment: { Args: { p_id: string }; Returns: Json }
      confirm_quote: {
        Args: {
          p_credits: number
          p_idempotency_key?: string
          p_ticket_id: string
        }
        Returns: {
          account_id: string
          assessed_at: string | null
          assignee_id: string | null
          body: string
          category: string | null
          charged_credits: number
          closed_at: string | null
          created_at: string
          created_by: string | null
          id: string
          number: number
          parent_id: string | null
          pre_approval_ceiling: number | null
          pre_approved: boolean
          quoted_credits: number | null
          resolved_at: string | null
          status: Database["public"]["Enums"]["ticket_status"]
          subject: string
          updated_at: string
          upgrade_from: string | null
          upgrade_to: string | null
        }
        SetofOptions: {
          from: "*"
          to: "tickets"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      create_ticket: {
        Args: {
          p_account_id?: string
          p_body: string
          p_pre_approval_ceiling?: number
          p_pre_approved: boolean
          p_subject: string
          p_upgrade_from?: string
          p_upgrade_to?: string
        }
        Returns: {
          account_id: string
          assessed_at: string | null
          assignee_id: string | null
          body: string
          category: string | null
          charged_credits: number
          closed_at: string | null
          created_at: string
          created_by: string | null
          id: string
          number: number
          parent_id: string | null
          pre_approval_ceiling: number | null
          pre_approved: boolean
          quoted_credits: number | null
          resolved_at: string | null
          status: Database["public"]["Enums"]["ticket_status"]
          subject: string
          updated_at: string
          upgrade_from: string | null
          upgrade_to: string | null
        }
        SetofOptions: {
          from: "*"
          to: "tickets"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      decline_quote: {
        Args: { p_reason?: string; p_ticket_id: string }
        Returns: {
          account_id: string
          assessed_at: string | null
          assignee_id: string | null
          body: string
          category: string | null
          charged_credits: number
          closed_at: string | null
          created_at: string
          created_by: string | null
          id: string
          number: number
          parent_id: string | null
          pre_approval_ceiling: number | null
          pre_approved: boolean
          quoted_credits: number | null
          resolved_at: string | null
          status: Database["public"]["Enums"]["ticket_status"]
          subject: string
          updated_at: string
          upgrade_from: string | null
          upgrade_to: string | null
        }
        SetofOptions: {
          from: "*"
          to: "tickets"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      default_pre_approval_ceiling: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      discard_attachment: { Args: { p_id: string }; Returns: undefined }
      mark_notifications_read: { Args: { p_ids?: string[] }; Returns: number }
      move_release: {
        Args: { p_direction: string; p_version: string }
        Returns: {
          created_at: string
          position: number
          released_on: string | null
          updated_at: string
          version: string
        }[]
        SetofOptions: {
          from: "*"
          to: "product_releases"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      my_notification_preferences: {
        Args: Record<PropertyKey, never>
        Returns: {
          delivery: string
          description: string
          kind: string
          label: string
          optional: boolean
        }[]
      }
      post_message: {
        Args: { p_body: string; p_internal?: boolean; p_ticket_id: string }
        Returns: {
          account_id: string
          author_id: string | null
          author_name: string
          body: string
          created_at: string
          from_staff: boolean
          id: string
          internal: boolean
          ticket_id: string
        }
        SetofOptions: {
          from: "*"
          to: "ticket_messages"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      preview_quote: {
        Args: {
          p_category: string
          p_credits?: number
          p_ticket_id: string
          p_upgrade_from?: string
          p_upgrade_to?: string
        }
        Returns: Json
      }
      reassess_ticket: {
        Args: {
          p_category: string
          p_credits?: number
          p_reason?: string
          p_ticket_id: string
          p_upgrade_from?: string
          p_upgrade_to?: string
        }
        Returns: {
          account_id: string
          assessed_at: string | null
          assignee_id: string | null
          body: string
          category: string | null
          charged_credits: number
          closed_at: string | null
          created_at: string
          created_by: string | null
          id: string
          number: number
          parent_id: string | null
          pre_approval_ceiling: number | null
          pre_approved: boolean
          quoted_credits: number | null
          resolved_at: string | null
          status: Database["public"]["Enums"]["ticket_status"]
          subject: string
          updated_at: string
          upgrade_from: string | null
          upgrade_to: string | null
        }
        SetofOptions: {
          from: "*"
          to: "tickets"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      record_payment_event: { Args: { p_event: Json }; Returns: Json }
      refund_ticket: {
        Args: {
          p_credits: number
          p_idempotency_key: string
          p_reason: string
          p_ticket_id: string
        }
        Returns: {
          account_id: string
          assessed_at: string | null
          assignee_id: string | null
          body: string
          category: string | null
          charged_credits: number
          closed_at: string | null
          created_at: string
          created_by: string | null
          id: string
          number: number
          parent_id: string | null
          pre_approval_ceiling: number | null
          pre_approved: boolean
          quoted_credits: number | null
          resolved_at: string | null
          status: Database["public"]["Enums"]["ticket_status"]
          subject: string
          updated_at: string
          upgrade_from: string | null
          upgrade_to: string | null
        }
        SetofOptions: {
          from: "*"
          to: "tickets"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      resolve_ticket: {
        Args: { p_ticket_id: string }
        Returns: {
          account_id: string
          assessed_at: string | null
          assignee_id: string | null
          body: string
          category: string | null
          charged_credits: number
          closed_at: string | null
          created_at: string
          created_by: string | null
          id: string
          number: number
          parent_id: string | null
          pre_approval_ceiling: number | null
          pre_approved: boolean
          quoted_credits: number | null
          resolved_at: string | null
          status: Database["public"]["Enums"]["ticket_status"]
          subject: string
          updated_at: string
          upgrade_from: string | null
          upgrade_to: string | null
        }
        SetofOptions: {
          from: "*"
          to: "tickets"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      service_role_attach_checkout_session: {
        Args: { p_order_id: string; p_session_id: string }
        Returns: {
          account_id: string
          amount_cents: number
          created_at: string
          credits: number
          currency: string
          failure_reason: string | null
          id: string
          package_id: string
          paid_at: string | null
          provider: string
          provider_payment_id: string | null
          provider_session_id: string | null
          refund_due: boolean
          refund_note: string | null
          refunded_at: string | null
          refunded_by: string | null
          status: Database["public"]["Enums"]["order_status"]
          updated_at: string
          user_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      service_role_build_digests: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      service_role_claim_mail: {
        Args: { p_lease_seconds?: number; p_limit?: number }
        Returns: Json
      }
      service_role_fail_order: {
        Args: { p_order_id: string; p_reason: string }
        Returns: {
          account_id: string
          amount_cents: number
          created_at: string
          credits: number
          currency: string
          failure_reason: string | null
          id: string
          package_id: string
          paid_at: string | null
          provider: string
          provider_payment_id: string | null
          provider_session_id: string | null
          refund_due: boolean
          refund_note: string | null
          refunded_at: string | null
          refunded_by: string | null
          status: Database["public"]["Enums"]["order_status"]
          updated_at: string
          user_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      service_role_forget_attachments: {
        Args: { p_ids: string[] }
        Returns: number
      }
      service_role_fulfil_order: {
        Args: { p_order_id: string; p_provider_payment_id: string }
        Returns: {
          account_id: string
          amount_cents: number
          created_at: string
          credits: number
          currency: string
          failure_reason: string | null
          id: string
          package_id: string
          paid_at: string | null
          provider: string
          provider_payment_id: string | null
          provider_session_id: string | null
          refund_due: boolean
          refund_note: string | null
          refunded_at: string | null
          refunded_by: string | null
          status: Database["public"]["Enums"]["order_status"]
          updated_at: string
          user_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      service_role_mail_failed: {
        Args: { p_error: string; p_id: number; p_permanent: boolean }
        Returns: Json
      }
      service_role_mail_sent: {
        Args: { p_id: number; p_provider_id: string }
        Returns: undefined
      }
      service_role_open_order: {
        Args: { p_package_id: string; p_provider: string; p_user_id: string }
        Returns: {
          account_id: string
          amount_cents: number
          created_at: string
          credits: number
          currency: string
          failure_reason: string | null
          id: string
          package_id: string
          paid_at: string | null
          provider: string
          provider_payment_id: string | null
          provider_session_id: string | null
          refund_due: boolean
          refund_note: string | null
          refunded_at: string | null
          refunded_by: string | null
          status: Database["public"]["Enums"]["order_status"]
          updated_at: string
          user_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      service_role_reply_by_email: {
        Args: {
          p_from: string
          p_message_id: string
          p_text: string
          p_token: string
        }
        Returns: Json
      }
      service_role_settle_test_order: {
        Args: { p_order_id: string; p_outcome: string; p_user_id: string }
        Returns: {
          account_id: string
          amount_cents: number
          created_at: string
          credits: number
          currency: string
          failure_reason: string | null
          id: string
          package_id: string
          paid_at: string | null
          provider: string
          provider_payment_id: string | null
          provider_session_id: string | null
          refund_due: boolean
          refund_note: string | null
          refunded_at: string | null
          refunded_by: string | null
          status: Database["public"]["Enums"]["order_status"]
          updated_at: string
          user_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "orders"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      service_role_stale_attachments: {
        Args: { p_limit?: number }
        Returns: {
          id: string
          object_name: string
        }[]
      }
      set_attachment_internal: {
        Args: { p_id: string; p_internal: boolean }
        Returns: undefined
      }
      set_notification_preference: {
        Args: { p_delivery: string; p_kind: string }
        Returns: undefined
      }
      set_user_role: {
        Args: {
          p_role: Database["public"]["Enums"]["app_role"]
          p_user_id: string
        }
        Returns: {
          created_at: string
          email: string
          full_name: string
          id: string
          role: Database["public"]["Enums"]["app_role"]
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "profiles"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      split_ticket: {
        Args: { p_body: string; p_subject: string; p_ticket_id: string }
        Returns: {
          account_id: string
          assessed_at: string | null
          assignee_id: string | null
          body: string
          category: string | null
          charged_credits: number
          closed_at: string | null
          created_at: string
          created_by: string | null
          id: string
          number: number
          parent_id: string | null
          pre_approval_ceiling: number | null
          pre_approved: boolean
          quoted_credits: number | null
          resolved_at: string | null
          status: Database["public"]["Enums"]["ticket_status"]
          subject: string
          updated_at: string
          upgrade_from: string | null
          upgrade_to: string | null
        }
        SetofOptions: {
          from: "*"
          to: "tickets"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      staff_queue: {
        Args: {
          p_assignee?: string
          p_category?: string
          p_cursor?: Json
          p_limit?: number
          p_search?: string
          p_status?: string
        }
        Returns: Json
      }
      staff_queue_counts: { Args: Record<PropertyKey, never>; Returns: Json }
      submit_review: {
        Args: { p_body: string; p_rating: number; p_title: string }
        Returns: {
          author_id: string
          author_name: string
          body: string
          created_at: string
          id: string
          rating: number
          title: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "reviews"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      unsubscribe_by_token: {
        Args: { p_kind: string; p_token: string }
        Returns: Json
      }
      upgrade_cost: { Args: { p_from: string; p_to: string }; Returns: number }
    }
    Enums: {
      account_member_role: "owner" | "member"
      app_role: "customer" | "engineer" | "admin"
      credit_transfer_kind:
        | "purchase"
        | "ticket_charge"
        | "ticket_refund"
        | "adjustment"
      order_status: "pending" | "paid" | "failed"
      ticket_event_kind:
        | "created"
        | "assessed"
        | "reassessed"
        | "quote_confirmed"
        | "quote_declined"
        | "charged"
        | "awaiting_credits"
        | "refunded"
        | "split"
        | "resolved"
        | "canceled"
        | "assigned"
      ticket_status:
        | "new"
        | "awaiting_confirmation"
        | "awaiting_credits"
        | "in_progress"
        | "resolved"
        | "declined"
        | "canceled"
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {
      account_member_role: ["owner", "member"],
      app_role: ["customer", "engineer", "admin"],
      credit_transfer_kind: [
        "purchase",
        "ticket_charge",
        "ticket_refund",
        "adjustment",
      ],
      order_status: ["pending", "paid", "failed"],
      ticket_event_kind: [
        "created",
        "assessed",
        "reassessed",
        "quote_confirmed",
        "quote_declined",
        "charged",
        "awaiting_credits",
        "refunded",
        "split",
        "resolved",
        "canceled",
        "assigned",
      ],
      ticket_status: [
        "new",
        "awaiting_confirmation",
        "awaiting_credits",
        "in_progress",
        "resolved",
        "declined",
        "canceled",
      ],
    },
  },
} as const
