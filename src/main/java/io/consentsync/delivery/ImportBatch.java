package io.consentsync.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The contacts of one Dotdigital bulk import, each with the coalesced data fields its batch writes. */
public final class ImportBatch {

    /** One contact of the import: its batch, identifier value and the converted fields to write. */
    public record ContactWrite(ContactBatch batch, String identifierValue, Map<String, Object> fields) {
    }

    private final List<ContactWrite> contacts = new ArrayList<>();

    public void add(ContactWrite contact) {
        contacts.add(contact);
    }

    public List<ContactWrite> contacts() {
        return List.copyOf(contacts);
    }

    public List<String> contactKeys() {
        return contacts.stream().map(c -> c.batch().contactKey()).toList();
    }

    public boolean isEmpty() {
        return contacts.isEmpty();
    }

    public int size() {
        return contacts.size();
    }
}
