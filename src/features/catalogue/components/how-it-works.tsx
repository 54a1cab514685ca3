/** The support policy (docs/design.md §1) in plain words. */
export function HowItWorks() {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {[
        ['Buy credits once, use them any time', 'Credits never expire, and they cover all of your licenses, however many you have.'],
        ['One issue per ticket', 'Open a ticket for each question or problem. If a ticket turns out to hold a separate issue, the engineer moves it to a ticket of its own, priced on its own.'],
        ['You choose how to agree to the price', '“I agree in advance with the assessment” lets the engineer start at once. “Tell me the cost first” shows you the price to confirm or decline before anything is charged (simple questions, level 1, are answered straight away).'],
        ['Clear prices, no timers', 'An engineer puts each ticket in a category with a fixed price from the list below. Code modifications are priced by agreement with you. If the balance is short, the ticket waits and continues as soon as you add credits.'],
        ['Everything through the portal', 'Questions, answers, prices and charges are all recorded on the ticket, with an audit trail you can read, and your statement shows every credit in and out.'],
      ].map(([title, text]) => (
        <div key={title} className="rounded-lg border border-slate-200 bg-white p-4">
          <h3 className="font-semibold text-slate-900">{title}</h3>
          <p className="mt-1 text-sm text-slate-700">{text}</p>
        </div>
      ))}
    </div>
  );
}
