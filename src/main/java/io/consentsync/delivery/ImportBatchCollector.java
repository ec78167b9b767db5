package io.consentsync.delivery;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import java.util.Map;

/**
 * Collects the contacts prepared one by one by the bulk-import split into one {@link ImportBatch}: only those whose
 * preparation reached its end (variable {@code readyToImport}); the others were recorded or handed on already.
 */
public class ImportBatchCollector implements AggregationStrategy {

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange collected, Exchange contact) {
        Exchange result = collected == null ? contact : collected;
        ImportBatch batch = collected == null ? new ImportBatch() : collected.getMessage().getBody(ImportBatch.class);
        if (Boolean.TRUE.equals(contact.getVariable(ExchangeVariables.READY_TO_IMPORT, Boolean.class))) {
            batch.add(new ImportBatch.ContactWrite(contact.getVariable(ExchangeVariables.BATCH, ContactBatch.class),
                    contact.getVariable(ExchangeVariables.IDENTIFIER_VALUE, String.class), contact.getMessage().getBody(Map.class)));
        }
        result.getMessage().setBody(batch);
        return result;
    }
}
