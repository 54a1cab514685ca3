import { Component, type ReactNode } from 'react';
import { Alert } from './alert';
import { Button } from './button';

type Props = {
  /** What failed to load, for the message: "the packages". */
  what: string;
  /** Words for the error (the caller maps API codes); called with what was thrown. */
  describe: (error: unknown) => string;
  /** Clears the failed queries so that "Try again" fetches again (QueryErrorResetBoundary's reset). */
  onReset: () => void;
  /** Render nothing on failure (a detail whose data another section reports the failure of). */
  quiet?: boolean;
  children: ReactNode;
};

/**
 * Keeps a failed section from taking the whole page down: the rest of the page stays readable and this
 * part says what went wrong, with a way to try again.
 */
export class SectionErrorBoundary extends Component<Props, { error: unknown; failed: boolean }> {
  override state = { error: undefined as unknown, failed: false };

  static getDerivedStateFromError(error: unknown) {
    return { error, failed: true };
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    if (this.props.quiet) return null;
    return (
      <div className="space-y-3">
        <Alert tone="error" title={`We could not load ${this.props.what}`}>
          {this.props.describe(this.state.error)}
        </Alert>
        <Button
          variant="secondary"
          onClick={() => {
            this.props.onReset();
            this.setState({ error: undefined, failed: false });
          }}
        >
          Try again
        </Button>
      </div>
    );
  }
}
